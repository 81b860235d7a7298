"""The Rename dialog of a conversation: wide enough for its own title and a long one."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

# The window manager draws the dialog's title beside its own buttons (close, maximise):
# leave them this much room, or the title is cut ("Renam… ation").
TITLE_BAR_BUTTONS_PX = 160
MIN_WIDTH_CHARS = 48


def tr(text: str) -> str:
    return QCoreApplication.translate("Sidebar", text)


class RenameDialog(QDialog):
    """Asks for a conversation's new title; ``title()`` is what was typed, trimmed."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Rename conversation"))
        self.editor = QLineEdit(title, self)
        self.editor.selectAll()
        label = QLabel(tr("Title:"), self)
        label.setBuddy(self.editor)
        buttons = QDialogButtonBox(self)
        buttons.setStandardButtons(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.editor.textChanged.connect(
            lambda text: buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
                bool(text.strip())
            )
        )
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.editor)
        layout.addWidget(buttons)
        metrics = self.fontMetrics()
        title_width = metrics.horizontalAdvance(self.windowTitle()) + TITLE_BAR_BUTTONS_PX
        self.setMinimumWidth(max(title_width, metrics.averageCharWidth() * MIN_WIDTH_CHARS))

    def title(self) -> str:
        return self.editor.text().strip()
