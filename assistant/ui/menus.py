"""The window's menu bar: every action a person can take from it, with its shortcut."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from assistant.ui.dialogs import open_plugin_manager, open_settings
from assistant.ui.export_actions import export_conversation

if TYPE_CHECKING:
    from assistant.ui.main_window import MainWindow

Keys = QKeySequence | QKeySequence.StandardKey | None


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)  # the window's own strings


def _action(menu: QMenu, text: str, keys: Keys, slot: Callable[[], object]) -> QAction:
    action = menu.addAction(text)
    if keys is not None:
        action.setShortcut(keys)
    action.triggered.connect(slot)
    return action


def build_menus(window: MainWindow) -> None:
    """File, Edit, Tools and Help, for a window with its core and docks attached."""
    bar = window.menuBar()
    file_menu = bar.addMenu(tr("&File"))
    _action(
        file_menu, tr("&New conversation"), QKeySequence.StandardKey.New, window.new_conversation
    )
    _action(
        file_menu,
        tr("&Export conversation…"),
        QKeySequence("Ctrl+Shift+E"),
        lambda: export_conversation(window, window.conversation_id),
    )
    file_menu.addSeparator()
    # Ctrl+Q everywhere (Cmd+Q on macOS): the platform's standard Quit key is none at all
    # on Windows and on some Linux platforms.
    _action(file_menu, tr("&Quit"), QKeySequence("Ctrl+Q"), window.close)
    edit_menu = bar.addMenu(tr("&Edit"))
    _action(
        edit_menu,
        tr("&Search conversations"),
        QKeySequence.StandardKey.Find,
        window.sidebar.focus_search,
    )
    _action(
        edit_menu,
        tr("Focus the message box"),
        QKeySequence("Ctrl+L"),
        window.composer.editor.setFocus,
    )
    _action(edit_menu, tr("S&top answering"), QKeySequence("Esc"), window.stop)
    tools = bar.addMenu(tr("&Tools"))
    _action(
        tools,
        tr("&Settings…"),
        QKeySequence.StandardKey.Preferences,
        lambda: open_settings(window),
    )
    _action(tools, tr("&Plugins…"), None, lambda: open_plugin_manager(window))
    memory = window.memory.toggleViewAction()
    memory.setText(tr("&Memory"))
    tools.addAction(memory)
    knowledge = window.knowledge.toggleViewAction()
    knowledge.setText(tr("&Documents"))
    knowledge.setShortcut(QKeySequence("Ctrl+D"))
    knowledge.toggled.connect(lambda shown: shown and window.knowledge.refresh())
    tools.addAction(knowledge)
    help_menu = bar.addMenu(tr("&Help"))
    _action(
        help_menu,
        tr("What can you do?"),
        QKeySequence.StandardKey.HelpContents,
        lambda: window.send("/help", []),
    )
