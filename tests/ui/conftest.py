"""A real window on a private data folder, with plugins that follow the real contract."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from assistant.core.bootstrap import open_assistant
from assistant.core.plugin import Plugin
from assistant.core.registry import PluginRegistry
from assistant.ui.main_window import MainWindow
from plugins.help import HelpPlugin
from tests.fakes import BrokenPlugin, EchoPlugin, GatedPlugin, PictureFrame, SteadyPlugin


@pytest.fixture
def open_window(qtbot) -> Iterator[Callable[..., MainWindow]]:
    """Opens windows on the test's data folder, with the fake plugins and any *more*
    given; each is closed, its threads joined."""
    windows: list[MainWindow] = []

    def build(*more: Plugin) -> MainWindow:
        plugins = PluginRegistry(
            [
                EchoPlugin(),
                GatedPlugin(),
                BrokenPlugin(),
                PictureFrame(),
                SteadyPlugin(),
                HelpPlugin(),
                *more,
            ]
        )
        assistant = open_assistant(registry=plugins)
        assistant.router.default = "echo"
        assistant.router.by_kind = {}
        window = MainWindow(assistant)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield build
    for window in windows:
        gated = window.assistant.registry.record("gated")
        gated.plugin.gate.set()  # type: ignore[union-attr]
        window.close()
        assert window.jobs.shutdown(5000), "a job was still running after the window closed"
        assert all(pool.activeThreadCount() == 0 for pool in window.jobs.pools())
        qtbot.waitUntil(lambda w=window: not w.jobs.busy, timeout=5000)  # finished delivered
        window.assistant.store.close()
