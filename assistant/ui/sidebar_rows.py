"""How the side bar's rows look: date headings, conversations with their time, search hits.

The list holds three kinds of row, told apart by what the item carries in ``ROW_ROLE``: a
heading (a str: "Today", "Yesterday", …), a ``Conversation`` (its title, and on the right
its time and, for one started from the command line, a terminal icon), or a ``SearchHit``
(the conversation's title over a plain-text snippet with the words found highlighted).
"""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QModelIndex, QRect, QSize
from PySide6.QtCore import Qt as QtNs
from PySide6.QtGui import QAbstractTextDocumentLayout, QFont, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from assistant.core.store import Conversation, SearchHit

if TYPE_CHECKING:
    from PySide6.QtCore import QPersistentModelIndex

ROW_ROLE = 0x0100 + 1  # Qt.ItemDataRole.UserRole + 1
PADDING = 6
ICON_SIZE = 14
SNIPPET_LINES = 3  # at most, under the conversation's title


def _text_width(option: QStyleOptionViewItem) -> int:
    """The width a row's text has: the list's viewport less the padding."""
    widget = option.widget
    viewport = getattr(widget, "viewport", None)
    width = viewport().width() if callable(viewport) else option.rect.width()
    return max(40, width - 2 * PADDING)


def tr(text: str, count: int = -1) -> str:
    return QCoreApplication.translate("Sidebar", text, None, count)


def date_group(timestamp: float, today: date | None = None) -> tuple[int, int]:
    """The heading a conversation last written at *timestamp* goes under, as a sortable
    key: (0, 0) today, (1, 0) yesterday, (2, 0) the 7 days before, else (year, month)."""
    today = today or date.today()
    day = datetime.fromtimestamp(timestamp).date()
    if day >= today:
        return (0, 0)
    if day == today - timedelta(days=1):
        return (1, 0)
    if day >= today - timedelta(days=7):
        return (2, 0)
    return (day.year, day.month)


def group_label(key: tuple[int, int]) -> str:
    """What the heading of a :func:`date_group` says."""
    if key == (0, 0):
        return tr("Today")
    if key == (1, 0):
        return tr("Yesterday")
    if key == (2, 0):
        return tr("Previous 7 days")
    # The order of month and year is the language's: a translation gives its own pattern.
    return QLocale().toString(QDate(key[0], key[1], 1), tr("MMMM yyyy"))


def when_label(timestamp: float, key: tuple[int, int]) -> str:
    """A conversation's time as its row shows it: the time of day today and yesterday, the
    weekday and time in the week before, else the date."""
    moment = QDateTime.fromSecsSinceEpoch(int(timestamp))
    locale = QLocale()
    clock = locale.toString(moment.time(), QLocale.FormatType.ShortFormat)
    if key[0] <= 1:
        return clock
    if key == (2, 0):
        return (
            f"{locale.dayName(moment.date().dayOfWeek(), QLocale.FormatType.ShortFormat)} {clock}"
        )
    same_year = moment.date().year() == QDate.currentDate().year()
    return locale.toString(moment.date(), tr("d MMM") if same_year else tr("d MMM yyyy"))


def full_when(timestamp: float) -> str:
    """A date and time in full, for a tooltip."""
    moment = QDateTime.fromSecsSinceEpoch(int(timestamp))
    return QLocale().toString(moment, QLocale.FormatType.LongFormat)


def snippet_html(hit: SearchHit, colour: str, background: str) -> str:
    """A hit's snippet as HTML: escaped, each word found on a highlight."""
    out, at = [], 0
    for start, end in hit.marks:
        out.append(html.escape(hit.snippet[at:start]))
        word = html.escape(hit.snippet[start:end])
        out.append(
            f'<span style="background:{background}; color:{colour}; font-weight:600">{word}</span>'
        )
        at = end
    out.append(html.escape(hit.snippet[at:]))
    return "".join(out)


class SidebarDelegate(QStyledItemDelegate):
    """Paints the three kinds of row (see the module's docstring)."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        row = index.data(ROW_ROLE)
        line = option.fontMetrics.height()
        if isinstance(row, SearchHit):
            document = snippet_document(row, option.palette, option.font, _text_width(option))
            lines = min(SNIPPET_LINES, max(1, round(document.size().height() / line)))
            return QSize(option.rect.width(), line * (1 + lines) + PADDING * 2)
        if isinstance(row, str):
            return QSize(option.rect.width(), line + PADDING * 2 + 2)
        return QSize(option.rect.width(), line + PADDING * 2)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        row = index.data(ROW_ROLE)
        if isinstance(row, str):
            self._paint_heading(painter, option, row)
            return
        style = option.widget.style() if option.widget else None
        if style is not None:  # the selection and hover background, as the style draws it
            plain = QStyleOptionViewItem(option)
            self.initStyleOption(plain, index)
            plain.text = ""
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setPen(option.palette.color(text_role))
        area = option.rect.adjusted(PADDING, PADDING, -PADDING, -PADDING)
        if isinstance(row, Conversation):
            self._paint_conversation(painter, option, area, row, selected)
        elif isinstance(row, SearchHit):
            self._paint_hit(painter, option, area, row, selected)
        else:
            painter.drawText(area, int(QtNs.AlignmentFlag.AlignVCenter), str(index.data()))
        painter.restore()

    def _paint_heading(self, painter: QPainter, option: QStyleOptionViewItem, label: str) -> None:
        painter.save()
        font = QFont(option.font)
        font.setBold(True)
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
        painter.setFont(font)
        painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
        area = option.rect.adjusted(PADDING, PADDING + 2, -PADDING, 0)
        painter.drawText(
            area, int(QtNs.AlignmentFlag.AlignLeft | QtNs.AlignmentFlag.AlignTop), label
        )
        painter.restore()

    def _paint_conversation(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        area: QRect,
        row: Conversation,
        selected: bool,
    ) -> None:
        key = date_group(row.updated)
        when = when_label(row.updated, key)
        metrics = option.fontMetrics
        when_width = metrics.horizontalAdvance(when)
        dim = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        painter.save()
        painter.setPen(option.palette.color(dim))
        right = int(QtNs.AlignmentFlag.AlignRight | QtNs.AlignmentFlag.AlignVCenter)
        painter.drawText(area, right, when)
        painter.restore()
        used = when_width + PADDING
        if row.origin == "cli":
            from assistant.ui.icons import icon

            colour = option.palette.color(dim)
            box = QRect(
                area.right() - used - ICON_SIZE,
                area.center().y() - ICON_SIZE // 2,
                ICON_SIZE,
                ICON_SIZE,
            )
            icon("terminal", colour).paint(painter, box)
            used += ICON_SIZE + PADDING
        title = row.title or tr("New conversation")
        elided = metrics.elidedText(title, QtNs.TextElideMode.ElideRight, area.width() - used)
        left = int(QtNs.AlignmentFlag.AlignLeft | QtNs.AlignmentFlag.AlignVCenter)
        painter.drawText(area.adjusted(0, 0, -used, 0), left, elided)

    def _paint_hit(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        area: QRect,
        row: SearchHit,
        selected: bool,
    ) -> None:
        metrics = option.fontMetrics
        font = QFont(option.font)
        font.setBold(True)
        painter.save()
        painter.setFont(font)
        title = row.conversation_title or tr("New conversation")
        elided = painter.fontMetrics().elidedText(
            title, QtNs.TextElideMode.ElideRight, area.width()
        )
        painter.drawText(
            area, int(QtNs.AlignmentFlag.AlignLeft | QtNs.AlignmentFlag.AlignTop), elided
        )
        painter.restore()
        document = snippet_document(row, option.palette, option.font, area.width(), selected)
        painter.save()
        painter.translate(area.left(), area.top() + metrics.height())
        painter.setClipRect(QRect(0, 0, area.width(), area.height() - metrics.height()))
        context = QAbstractTextDocumentLayout.PaintContext()
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        document.documentLayout().draw(painter, context)
        painter.restore()


def snippet_document(
    hit: SearchHit, palette: QPalette, font: QFont, width: int, selected: bool = False
) -> QTextDocument:
    """The laid-out snippet of a hit, as its row draws it (at most three lines)."""
    document = QTextDocument()
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    document.setTextWidth(width)
    mark_text = palette.color(QPalette.ColorRole.HighlightedText).name()
    mark_back = palette.color(QPalette.ColorRole.Highlight).name()
    if selected:  # the row is on the highlight colour already: mark with weight instead
        mark_text, mark_back = (
            palette.color(QPalette.ColorRole.HighlightedText).name(),
            "transparent",
        )
    document.setHtml(snippet_html(hit, mark_text, mark_back))
    return document


def row_tooltip(row: Any) -> str:
    """The tooltip of a conversation row: when it was written to, how much it holds, and
    where it was started."""
    if not isinstance(row, Conversation):
        return ""
    count = tr("%n message(s)", row.message_count)
    lines = [full_when(row.updated), count]
    if row.origin == "cli":
        lines.append(tr("Started from the command line"))
    return "\n".join(lines)
