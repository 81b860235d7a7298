"""Light and dark, following the system's colour scheme as it changes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


def _dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#202124",
        QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181a",
        QPalette.ColorRole.AlternateBase: "#26282b",
        QPalette.ColorRole.Text: "#e8eaed",
        QPalette.ColorRole.Button: "#2d2f33",
        QPalette.ColorRole.ButtonText: "#e8eaed",
        QPalette.ColorRole.Highlight: "#3d6fb6",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.ToolTipBase: "#2d2f33",
        QPalette.ColorRole.ToolTipText: "#e8eaed",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    return palette


def apply_theme(app: QApplication, choice: str = "system") -> None:
    """Use *choice* ("light", "dark") or the system's scheme, and follow its changes."""
    app.setStyle("Fusion")
    hints = QGuiApplication.styleHints()

    def update() -> None:
        dark = choice == "dark" or (
            choice == "system" and hints.colorScheme() == Qt.ColorScheme.Dark
        )
        app.setPalette(_dark_palette() if dark else app.style().standardPalette())

    update()
    if choice == "system":
        hints.colorSchemeChanged.connect(lambda _scheme: update())
