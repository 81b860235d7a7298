"""The buttons under a picture, through the real window and the real image generation
plugin (on a loopback A1111 server, so no model is needed): Same seed makes the same
picture, Vary another one, Edit parameters opens its options, Use as input attaches it,
Save as… keeps how it was made; pictures of plugins without actions get the app's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QFileDialog

from assistant.ui.message_parts import ImageGrid
from plugins.imagegen import ImageGenPlugin
from plugins.imagegen.metadata import read_png
from plugins.imagegen.settings import ImageGenSettings
from tests.plugins.imagegen.image_server import ImageServer
from tests.ui.test_main_window import send


@pytest.fixture
def server() -> Iterator[ImageServer]:
    with ImageServer() as running:
        yield running


@pytest.fixture
def window(open_window, server):
    window = open_window(ImageGenPlugin())
    settings = ImageGenSettings(backend="a1111", server_url=server.url, steps=3,
                                size="64x64", translate_prompts=False)  # fmt: skip
    window.assistant.settings.update_section("imagegen", settings)
    return window


def _grid(window, reply: int) -> ImageGrid:
    widget = window.view.widget_of(reply)
    assert widget is not None
    return next(w for w in widget._widgets if isinstance(w, ImageGrid))


def _click(qtbot, window, reply: int, action: str, index: int = 0) -> int:
    """Click *action* under picture *index* of *reply*; the new answer's id."""
    button = _grid(window, reply).buttons[index][action]
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000) as finished:
        button.click()
    return finished.args[0]


def _pixels(window, reply: int, index: int = 0) -> np.ndarray:
    return np.asarray(Image.open(_grid(window, reply).images[index][0]))


def test_same_seed_makes_the_same_picture_and_vary_another(qtbot, window, server) -> None:
    first = send(qtbot, window, "/imagine a lighthouse --seed 7 --batch 2")
    grid = _grid(window, first)
    labels = [b.text() for b in grid.buttons[1].values()]
    assert labels == ["Same seed", "Vary", "Edit parameters", "Use as input", "Save as…", "Copy"]

    again = _click(qtbot, window, first, "plugin:same-seed", index=1)
    assert np.array_equal(_pixels(window, again), _pixels(window, first, 1))
    assert server.bodies("/sdapi/v1/txt2img")[-1]["seed"] == 8  # the second picture's seed
    assert server.bodies("/sdapi/v1/txt2img")[-1]["batch_size"] == 1
    question = window.store.message(again - 1)
    assert question is not None and question.content == "/imagine a lighthouse"

    varied = _click(qtbot, window, first, "plugin:vary")
    assert read_png(_grid(window, varied).images[0][0])["seed"] != 7
    assert not np.array_equal(_pixels(window, varied), _pixels(window, first))
    assert read_png(_grid(window, varied).images[0][0])["prompt"] == "a lighthouse"


def test_edit_parameters_opens_the_pictures_options(qtbot, window) -> None:
    reply = send(qtbot, window, "/imagine a fox --seed 3 --steps 2")
    _grid(window, reply).buttons[0]["plugin:parameters"].click()
    composer = window.composer
    assert composer.editing_id and composer.editor.toPlainText() == "/imagine a fox"
    assert composer.options.isVisible()
    assert composer.options.form is not None
    values = composer.options.form.values()
    assert values["seed"] == 3 and values["steps"] == 2


def test_use_as_input_attaches_it_and_save_as_keeps_its_recipe(
    qtbot, window, tmp_path: Path, monkeypatch
) -> None:
    reply = send(qtbot, window, "/imagine a fox --seed 5")
    grid = _grid(window, reply)
    picture = grid.images[0][0]
    grid.buttons[0]["use-as-input"].click()
    assert window.composer.files == [picture]

    target = tmp_path / "saved" / "fox.png"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    grid.buttons[0]["save-as"].click()
    assert read_png(target)["seed"] == 5


def test_the_picture_drags_out_as_its_file(qtbot, window) -> None:
    reply = send(qtbot, window, "/imagine a fox --seed 5")
    thumbnail = _grid(window, reply).pictures[0]
    urls = thumbnail.drag().mimeData().urls()
    assert [Path(u.toLocalFile()) for u in urls] == [_grid(window, reply).images[0][0]]


def test_a_picture_the_plugin_did_not_make_says_so(qtbot, window, tmp_path: Path) -> None:
    reply = send(qtbot, window, "/imagine a fox --seed 5")
    foreign = tmp_path / "foreign.png"
    Image.new("RGB", (8, 8)).save(foreign)
    before = len(window.store.messages(window.conversation_id))
    window.view.signals.picture_action_requested.emit("plugin:same-seed", reply, foreign)
    assert "does not say how it was made" in window.statusBar().currentMessage()
    assert len(window.store.messages(window.conversation_id)) == before


def test_pictures_of_a_plugin_without_actions_get_the_apps_own(
    qtbot, open_window, tmp_path: Path
) -> None:
    window = open_window()
    photo = tmp_path / "photo.png"
    Image.new("RGB", (32, 32), "red").save(photo)
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000) as finished:
        window.send("this", [photo], plugin="frame")
    assert list(_grid(window, finished.args[0]).buttons[0]) == [
        "use-as-input", "save-as", "copy-picture",
    ]  # fmt: skip


def test_the_map_beside_a_controlnet_picture_has_only_the_apps_actions(
    qtbot, window, server, tmp_path: Path
) -> None:
    photo = tmp_path / "tower.png"
    image = Image.new("RGB", (96, 64), "white")
    image.paste((0, 0, 0), (40, 10, 56, 60))
    image.save(photo)
    with qtbot.waitSignal(window.turns.turn_finished, timeout=10_000) as finished:
        window.send("/imagine a robot tower --control canny --seed 4", [photo])
    grid = _grid(window, finished.args[0])
    assert [caption for _, caption in grid.images] == ["seed 4", "canny map"]
    assert "plugin:same-seed" in grid.buttons[0]
    assert list(grid.buttons[1]) == ["use-as-input", "save-as", "copy-picture"]
    sent = server.bodies("/sdapi/v1/txt2img")[-1]
    assert (sent["width"], sent["height"]) == (96, 64), "a ControlNet follows the photo's size"
    assert sent["alwayson_scripts"]["controlnet"]["args"][0]["module"] == "none"
