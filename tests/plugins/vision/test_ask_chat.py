"""Questions about a photo asked of a chat model that can see, through the real chat
plugin and a real OpenAI-compatible server on 127.0.0.1; and the VQA model when it cannot."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from assistant.core.messages import Notice, TextDelta
from plugins.chat import ChatPlugin, ChatSettings
from plugins.chat.backend import ChatBackendError
from plugins.vision import VisionPlugin
from plugins.vision.ask_chat import BLIND_CHAT_MODEL
from tests.plugins.chat.openai_server import OpenAIServer
from tests.plugins.vision.conftest import VQA_LABELS, attach, run_plugin


def describe_pictures(body: dict[str, Any]) -> str:
    """A server model that sees: it names the question and the pictures it was sent."""
    parts = body["messages"][-1]["content"]
    question = next(p["text"] for p in parts if p["type"] == "text")
    urls = [p["image_url"]["url"] for p in parts if p["type"] == "image_url"]
    kind, _, data = urls[0].removeprefix("data:").partition(";base64,")
    picture = Image.open(io.BytesIO(base64.b64decode(data)))
    return f"Asked “{question}” about {len(urls)} {kind} picture of {picture.width} pixels."


@pytest.fixture
def seeing_server(memory_keyring) -> Iterator[OpenAIServer]:
    """A server whose model sees; no key from this computer's keyring is sent to it."""
    server = OpenAIServer().start()
    server.script.reply = describe_pictures
    yield server
    server.stop()


def chat_service(make_context, server: OpenAIServer) -> ChatPlugin:
    settings = ChatSettings(
        backend="openai", openai_base_url=server.base_url, openai_model="test-model"
    )
    chat = ChatPlugin()
    chat.load(make_context(settings))
    return chat


def test_a_question_goes_to_the_chat_model_with_the_photo(
    make_context, seeing_server, tiny_settings, photos
) -> None:
    settings = tiny_settings.model_copy(update={"ask_chat_model": True})
    context = make_context(settings, services={"llm": chat_service(make_context, seeing_server)})
    plugin = VisionPlugin()
    plugin.load(context)
    chunks = run_plugin(plugin, context, "what is in the cup?", [attach(photos["coffee"])])

    answer = "".join(c.text for c in chunks if isinstance(c, TextDelta))
    assert "> what is in the cup?" in answer
    assert "Asked “what is in the cup?” about 1 image/jpeg picture of" in answer
    assert not [c for c in chunks if isinstance(c, Notice)]
    assert not list((context.data_dir / "outputs").glob("question-*")), "no copy left behind"


class TextOnlyServer:
    """A server whose model turns out not to see: it refuses the picture."""

    def sees_images(self) -> bool:
        return True

    def stream_chat(self, messages, cancel, **options: Any) -> Iterator[str]:
        if options.get("images"):
            raise ChatBackendError("The server refused the request (400): images unsupported.")
        yield "words"


def test_when_the_server_cannot_see_the_vqa_model_answers(
    make_context, tiny_settings, photos
) -> None:
    settings = tiny_settings.model_copy(update={"ask_chat_model": True})
    context = make_context(settings, services={"llm": TextOnlyServer()})
    plugin = VisionPlugin()
    plugin.load(context)
    chunks = run_plugin(plugin, context, "is it red?", [attach(photos["coffee"])])

    (notice,) = [c for c in chunks if isinstance(c, Notice)]
    assert "images unsupported" in notice.text and "The VQA model answers instead" in notice.text
    answer = "".join(c.text for c in chunks if isinstance(c, TextDelta))
    assert any(f"**{label.capitalize()}**" in answer for label in VQA_LABELS.values())


def test_a_chat_model_on_this_computer_is_not_even_loaded_for_a_photo(
    make_context, tiny_settings, photos
) -> None:
    chat = ChatPlugin()  # its model would load on the first question it is asked
    settings = tiny_settings.model_copy(update={"ask_chat_model": True})
    context = make_context(settings, services={"llm": chat})
    plugin = VisionPlugin()
    plugin.load(context)
    chunks = run_plugin(plugin, context, "is it red?", [attach(photos["coffee"])])

    (notice,) = [c for c in chunks if isinstance(c, Notice)]
    assert notice.text == BLIND_CHAT_MODEL  # asked first; asking to stream would load it
    answer = "".join(c.text for c in chunks if isinstance(c, TextDelta))
    assert any(f"**{label.capitalize()}**" in answer for label in VQA_LABELS.values())


def test_the_setting_is_off_by_default(make_context, seeing_server, tiny_settings, photos) -> None:
    context = make_context(
        tiny_settings, services={"llm": chat_service(make_context, seeing_server)}
    )
    plugin = VisionPlugin()
    plugin.load(context)
    run_plugin(plugin, context, "is it red?", [attach(photos["coffee"])])
    assert seeing_server.requests == []
