"""A notice's banner: its words and its buttons as links, readable light and dark; and
where a click on one goes."""

from __future__ import annotations

from assistant.core.messages import Notice, NoticeAction
from assistant.ui.app_link_actions import follow_notice_action
from tests.fakes import PictureFrame

NOTICE = Notice(
    "The object detector (DETR, about 160 MB) is not on this computer <yet>.",
    "warning",
    key="vision.missing-model.detector/facebook/detr-resnet-50",
    actions=(
        NoticeAction("Download (about 160 MB)", "vision:download/detector"),
        NoticeAction("Choose a folder…", "app:choose-folder/vision/detector_model"),
    ),
)


def test_the_banner_shows_the_text_and_each_action_as_a_button(qtbot) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    from assistant.ui.message_parts import NoticeBox, ViewSignals

    parent = QWidget()
    qtbot.addWidget(parent)
    signals = ViewSignals(parent)
    box = NoticeBox(NOTICE, signals, False, parent)
    assert "is not on this computer <yet>." in box.plain_text()
    assert [b.text() for b in box.buttons] == ["Download (about 160 MB)", "Choose a folder…"]
    with qtbot.waitSignal(signals.link_requested) as clicked:
        qtbot.mouseClick(box.buttons[1], Qt.MouseButton.LeftButton)
    assert clicked.args[0].toString() == "app:choose-folder/vision/detector_model"


def test_light_and_dark_get_their_own_readable_colours(qtbot) -> None:
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QWidget

    from assistant.ui.message_parts import NoticeBox, ViewSignals, notice_colour

    assert notice_colour("warning", dark=False) == "#b9770e"
    assert notice_colour("warning", dark=True) == "#fdd663"  # light on a dark page
    parent = QWidget()
    qtbot.addWidget(parent)
    box = NoticeBox(NOTICE, ViewSignals(parent), True, parent)
    assert box.autoFillBackground()
    assert box.backgroundRole() == QPalette.ColorRole.AlternateBase  # follows the theme


def test_a_plugin_link_goes_to_the_plugin_and_an_unknown_one_to_nobody(qtbot, open_window) -> None:
    window = open_window()
    missing = window.assistant.paths.attachments / "nothing"
    assert not follow_notice_action(window, "nobody:anything")
    assert not follow_notice_action(window, "no link at all")
    with qtbot.waitSignal(window.plugin_jobs.failed):  # the frame plugin finds no such picture
        assert follow_notice_action(window, f"{PictureFrame.manifest.name}:show/{missing.name}")
