"""A notice as one compact banner in the conversation's document: its sentence and its
actions as links, tinted by its level in colours taken from the palette.

Pure HTML for a ``QTextDocument`` (the conversation view), so the view only decides where
it goes. Each action is an anchor whose href is the action's link (``vision:download/…``,
``app:choose-folder/…``); give a clicked one to
:func:`assistant.ui.app_link_actions.follow_notice_action`.
"""

from __future__ import annotations

import html

from PySide6.QtGui import QColor, QPalette

from assistant.core.messages import Notice

# Readable on light and on dark backgrounds; the banner's tint is mixed from them.
LEVEL_COLOURS = {
    "error": ("#c0392b", "#f28b82"),
    "warning": ("#b9770e", "#fdd663"),
    "info": ("#2471a3", "#8ab4f8"),
}
TINT = 0.14  # how much of the level's colour the banner's background takes


def _dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def level_colour(level: str, palette: QPalette) -> QColor:
    """The colour of a notice of *level* ("info", "warning", "error") on *palette*."""
    light, dark = LEVEL_COLOURS.get(level, LEVEL_COLOURS["info"])
    return QColor(dark if _dark(palette) else light)


def _mixed(base: QColor, tint: QColor, amount: float) -> QColor:
    return QColor.fromRgbF(
        base.redF() + (tint.redF() - base.redF()) * amount,
        base.greenF() + (tint.greenF() - base.greenF()) * amount,
        base.blueF() + (tint.blueF() - base.blueF()) * amount,
    )


def notice_banner_html(notice: Notice, palette: QPalette) -> str:
    """*notice* as a one-cell table: a tinted background, its text, its actions as links."""
    accent = level_colour(notice.level, palette)
    background = _mixed(palette.color(QPalette.ColorRole.Base), accent, TINT)
    text = palette.color(QPalette.ColorRole.Text)
    links = "&nbsp;&nbsp;·&nbsp;&nbsp;".join(
        f'<a href="{html.escape(action.link)}" style="color:{accent.name()};">'
        f"<b>{html.escape(action.label)}</b></a>"
        for action in notice.actions
    )
    actions = f'<br><span style="font-size:small;">{links}</span>' if links else ""
    return (
        f'<table width="100%" cellpadding="8" cellspacing="0" bgcolor="{background.name()}"'
        f' style="border: 1px solid {accent.name()}; margin-top: 4px; margin-bottom: 4px;">'
        f'<tr><td style="color:{text.name()};">{html.escape(notice.text)}{actions}</td></tr>'
        "</table>"
    )
