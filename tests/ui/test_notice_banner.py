"""A notice's banner: its words and its buttons as links, readable light and dark; and
where a click on one goes."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette, QTextDocument

from assistant.core.messages import Notice, NoticeAction
from assistant.ui.app_link_actions import follow_notice_action
from assistant.ui.notice_banner import level_colour, notice_banner_html
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


def _palette(base: str, text: str) -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, QColor(base))
    palette.setColor(QPalette.ColorRole.Text, QColor(text))
    return palette


def test_the_banner_shows_the_text_and_each_action_as_a_link(qtbot) -> None:
    document = QTextDocument()
    document.setHtml(notice_banner_html(NOTICE, _palette("#ffffff", "#202124")))
    assert "is not on this computer <yet>." in document.toPlainText()
    links = []
    block = document.begin()
    while block.isValid():
        for fragment in (it.fragment() for it in block):  # type: ignore[attr-defined]
            if fragment.charFormat().isAnchor():
                links.append((fragment.text(), fragment.charFormat().anchorHref()))
        block = block.next()
    assert links == [
        ("Download (about 160 MB)", "vision:download/detector"),
        ("Choose a folder…", "app:choose-folder/vision/detector_model"),
    ]


def test_light_and_dark_get_their_own_readable_colours(qtbot) -> None:
    light, dark = _palette("#ffffff", "#202124"), _palette("#17181a", "#e8eaed")
    assert level_colour("warning", light) != level_colour("warning", dark)
    assert level_colour("warning", dark).lightness() > 128  # light on a dark page
    assert "#e8eaed" in notice_banner_html(NOTICE, dark)
    assert "#ffffff" not in notice_banner_html(NOTICE, dark)


def test_a_plugin_link_goes_to_the_plugin_and_an_unknown_one_to_nobody(qtbot, open_window) -> None:
    window = open_window()
    missing = window.assistant.paths.attachments / "nothing"
    assert not follow_notice_action(window, "nobody:anything")
    assert not follow_notice_action(window, "no link at all")
    with qtbot.waitSignal(window.plugin_jobs.failed):  # the frame plugin finds no such picture
        assert follow_notice_action(window, f"{PictureFrame.manifest.name}:show/{missing.name}")
