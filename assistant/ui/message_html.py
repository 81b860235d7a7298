"""The HTML of the parts of a message other than its Markdown: footer, notices, files,
sources. Pure functions, so the view only decides where they go."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSize, QUrl

from assistant.ui.markdown import plain_html

if TYPE_CHECKING:
    from assistant.core.messages import Source

ERROR_COLOUR = "#c0392b"
NOTICE_COLOURS = {"error": ERROR_COLOUR, "warning": "#b9770e", "info": "#2471a3"}


def tr(text: str) -> str:
    return QCoreApplication.translate("MessageView", text)


def footer_html(
    message_id: int, role: str, plugin_title: str, reason: str, *, status: str, grey: str
) -> str:
    """The line under a message: who answered and why, its state, and its actions."""

    def link(action: str, label: str) -> str:
        return f'<a href="action:{action}/{message_id}">{label}</a>'

    if role == "user":
        line = " · ".join([link("edit", tr("Edit")), link("copy", tr("Copy"))])
    else:
        line = f"<b>{html.escape(plugin_title)}</b> · {html.escape(reason)}"
        if status == "streaming":
            line += f" · {tr('answering…')}"
        else:
            label = {"stopped": tr("stopped"), "error": tr("failed")}.get(status, "")
            if label:
                line += f' · <span style="color:{ERROR_COLOUR};">{label}</span>'
            actions = [
                link("copy", tr("Copy")),
                link("regenerate", tr("Regenerate")),
                link("reroute", tr("Send to…")),
            ]
            line += f" — {' · '.join(actions)}"
    return f'<p style="color:{grey}; font-size:small;">{line}</p>'


def notice_html(text: str, level: str) -> str:
    """Something the person should know, coloured by how much it matters."""
    colour = NOTICE_COLOURS.get(level, NOTICE_COLOURS["info"])
    return f'<p style="color:{colour};">{plain_html(text)}</p>'


def image_html(path: Path, source: str, size: QSize, name: str) -> str:
    """A picture shown at *size* from *source*, opening the full file when clicked."""
    url = QUrl.fromLocalFile(str(path)).toString()
    caption = f'<br><span style="font-size:small;">{html.escape(name)}</span>' if name else ""
    return (
        f'<p><a href="{url}"><img src="{source}" width="{size.width()}" '
        f'height="{size.height()}"></a>{caption}</p>'
    )


def file_html(kind: str, path: Path, name: str) -> str:
    """A file (a sound, a document) as a link that opens it."""
    url = QUrl.fromLocalFile(str(path)).toString()
    icon = "🔊" if kind == "audio" else "📄"
    return f'<p>{icon} <a href="{url}">{html.escape(name or path.name)}</a></p>'


def sources_html(sources: list[Source]) -> str:
    """The numbered sources of an answer, each opening its file (at its page if it can)."""
    rows = []
    for number, source in enumerate(sources, 1):
        url = QUrl.fromLocalFile(source.path).toString() if source.path else ""
        if url and source.page:
            url += f"#page={source.page}"
        page = f", {tr('page')} {source.page}" if source.page else ""
        title = html.escape(source.title) + page
        anchor = f'<a href="{url}">{title}</a>' if url else title
        rows.append(f"[{number}] {anchor} — <i>{html.escape(source.snippet[:160])}</i>")
    return f'<p style="font-size:small;"><b>{tr("Sources")}</b><br>{"<br>".join(rows)}</p>'
