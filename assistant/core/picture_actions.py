"""What can be done with a picture in an answer, besides what the app offers for every
picture (use it as input, save it, copy it, drag it out).

A plugin declares its own picture actions as data in its manifest (``picture_actions``,
e.g. imagegen's "Same seed" and "Vary"), and answers :meth:`PictureActionHandler.
picture_request` with the request that does the action: a question's text and options.
The window shows the actions under every picture of that plugin's answers and asks the
question, with the files of the question behind the answer, the same way for every plugin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from assistant.core.engine import Assistant


@dataclass(frozen=True, slots=True)
class PictureAction:
    """A button under a plugin's pictures. *at_once*: the request is asked straight away;
    otherwise it opens in the composer with its options, to change first."""

    name: str
    label: str
    tip: str = ""
    at_once: bool = True


@dataclass(frozen=True, slots=True)
class PictureRequest:
    """The question that does a picture action: its *text* (no flags) and its *options*."""

    text: str
    options: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class PictureActionHandler(Protocol):
    """A plugin with picture actions. ``picture_request`` must be cheap (it runs when the
    person clicks): it reads what the picture file says of itself, and returns None for
    a picture it cannot redo (one it did not make)."""

    def picture_request(self, action: str, picture: Path) -> PictureRequest | None: ...


@dataclass(frozen=True, slots=True)
class PlannedQuestion:
    """A question to ask for a picture action, and what the action said of it."""

    question_id: int  # the question behind the answer the picture is in
    text: str
    files: tuple[Path, ...]
    plugin: str  # the plugin that answered, and declares the action
    options: dict[str, Any]
    at_once: bool
    chosen: str | None  # the plugin to send it to; None when the text's command names it


def plan_picture_action(
    assistant: Assistant, reply_id: int, action: str, picture: Path
) -> PlannedQuestion | None:
    """The question that does *action* of the plugin that answered *reply_id* on *picture*
    (with the files of the question behind it), or None when the plugin cannot."""
    reply = assistant.store.message(reply_id)
    record = assistant.registry.record(reply.plugin) if reply is not None else None
    plugin = record.plugin if record is not None else None
    if reply is None or plugin is None or not isinstance(plugin, PictureActionHandler):
        return None
    declared = {a.name: a for a in plugin.manifest.picture_actions}
    if action not in declared:
        return None
    request = plugin.picture_request(action, picture)
    if request is None:
        return None
    question_id, _text, options = assistant.options_of(reply_id)
    question = assistant.store.message(question_id)
    files = tuple(Path(a.path) for a in question.attachments) if question is not None else ()
    from assistant.core.router import parse_command

    command = parse_command(request.text)
    own = command is not None and command.name in {c.name for c in plugin.manifest.commands}
    return PlannedQuestion(question_id, request.text, files, reply.plugin,
                           {**options, **request.options}, declared[action].at_once,
                           None if own else reply.plugin)  # fmt: skip
