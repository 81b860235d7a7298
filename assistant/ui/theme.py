"""Light and dark, following the system's colour scheme as it changes."""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

DARK = {  # the dark palette: what each role of a widget is drawn in
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


def _dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in DARK.items():
        palette.setColor(role, QColor(colour))
    return palette


def is_dark(palette: QPalette) -> bool:
    """Whether *palette* draws windows dark (light text on them)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def apply_theme(app: QApplication, choice: str = "system") -> None:
    """Use *choice* ("light", "dark") or the system's scheme, and follow its changes.

    At start the system's scheme is read from the palette the platform gives (dark where
    the system is dark), which is cheaper than asking for the scheme; changes arrive as
    the scheme itself.
    """

    def show(dark: bool) -> None:
        if dark:
            app.setPalette(_dark_palette())
        elif is_dark(app.palette()):  # the platform's palette is dark, or ours is
            app.setPalette(app.style().standardPalette())

    show(choice == "dark" or (choice == "system" and is_dark(app.palette())))
    if choice == "system":
        QGuiApplication.styleHints().colorSchemeChanged.connect(
            lambda scheme: show(scheme == QtCore.Qt.ColorScheme.Dark)
        )
