"""Questions about a photo asked of the chat model, for people whose chat model can see.

A vision model behind an OpenAI-compatible server (GPT-4o, LLaVA, Qwen-VL…) answers in
sentences where a VQA model gives one word. The photo goes as the upright, downscaled
copy the other models see, and the answer streams. When the chat model cannot see or
fails before its first word, the caller's VQA model answers instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Generator

from assistant.core.app_links import settings_link
from assistant.core.cancel import Cancelled
from assistant.core.messages import Chunk, Notice, NoticeAction, TextDelta
from assistant.core.plugin import ChatModel, PluginContext
from plugins.vision.images import PreparedImage

BLIND_CHAT_MODEL = (
    "The chat model cannot be sent pictures (it runs on this computer, or the chat plugin is "
    "off), so the VQA model answers. For answers in sentences, choose an OpenAI-compatible "
    "server with a vision model (GPT-4o, LLaVA, Qwen-VL…) as the chat Backend."
)
# Said once per conversation, with a button to the chat settings.
BLIND_CHAT_NOTICE = Notice(
    BLIND_CHAT_MODEL,
    "warning",
    key="vision.blind-chat-model",
    actions=(NoticeAction("Chat settings", settings_link("chat", "backend")),),
)


def ask_chat_model(
    llm: ChatModel, image: PreparedImage, question: str, context: PluginContext, about: str = ""
) -> Generator[Chunk, None, bool]:
    """Stream the chat model's answer about *image*, under the question and *about* (which
    photo it is); returns whether it answered."""
    picture = context.data_dir / "outputs" / f"question-{uuid.uuid4().hex[:10]}.jpg"
    started = False
    try:
        picture.parent.mkdir(parents=True, exist_ok=True)
        image.display.save(picture, quality=90)
        pieces = llm.stream_chat(
            [{"role": "user", "content": question}],
            context.cancel,
            images=[picture],
            progress=context.progress,
        )
        for piece in pieces:
            if not started:
                yield TextDelta(f"> {question.strip()}\n\n" + (f"{about}\n\n" if about else ""))
                started = True
            yield TextDelta(piece)
    except Cancelled:
        raise
    except Exception as exc:  # any backend's failure, from a server or a local model
        if started:
            yield Notice(f"The chat model stopped answering: {exc}", "warning")
            return True
        yield Notice(f"{exc} The VQA model answers instead.", "warning")
        return False
    finally:
        picture.unlink(missing_ok=True)
    if started:
        yield TextDelta("\n")
    return started
