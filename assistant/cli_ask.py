"""``assistant ask``: one question from the command line, its answer on standard output.

Everything that can be wrong with the arguments (a missing or unreadable attachment, an
unknown conversation) is an error before anything is stored or asked: exit status 2.
Standard error carries only the app's own lines (the route, progress, notices); the
libraries' progress bars and logs are turned off unless ``--verbose``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.core.engine import Assistant
    from assistant.core.messages import Chunk

USAGE_ERROR = 2

# Read by each library when it is first imported (none is, yet): no bars, no chatter.
QUIET_ENVIRONMENT = {
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",  # huggingface_hub's download bars
    "TQDM_DISABLE": "1",  # any other tqdm bar (our download reporter counts regardless)
    "TRANSFORMERS_VERBOSITY": "error",  # transformers' logs and its "Loading weights" bar
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    "DIFFUSERS_VERBOSITY": "error",
    "TOKENIZERS_PARALLELISM": "false",  # the "process just got forked" warning
}
QUIET_LOGGERS = ("transformers", "huggingface_hub", "diffusers", "sentence_transformers")


@dataclass
class AskOptions:
    """What ``assistant ask`` was told."""

    text: str
    files: list[Path]
    plugin: str | None = None
    conversation: int | None = None
    as_json: bool = False
    verbose: bool = False
    options: list[str] = field(default_factory=list)  # NAME=VALUE, as --set gives them


@dataclass
class Answer:
    """An answer as ``--json`` prints it."""

    conversation_id: int
    message_id: int
    route: dict[str, str]
    text: str = ""
    images: list[dict[str, str]] = field(default_factory=list)
    audio: list[dict[str, str]] = field(default_factory=list)
    files: list[dict[str, str]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    notices: list[dict[str, str]] = field(default_factory=list)
    status: str = "done"
    error: str = ""

    def add(self, chunk: Chunk) -> None:
        """Take one chunk of the answer (progress is not part of it)."""
        from assistant.core.messages import AudioOut, FileOut, ImageOut, Notice, Sources, TextDelta

        if isinstance(chunk, TextDelta):
            self.text += chunk.text
        elif isinstance(chunk, ImageOut | AudioOut | FileOut):
            kind = {ImageOut: self.images, AudioOut: self.audio, FileOut: self.files}
            entry = {"path": str(chunk.path), "caption": chunk.caption, "mime": chunk.mime}
            kind[type(chunk)].append(entry)
        elif isinstance(chunk, Sources):
            self.sources += [
                {"title": s.title, "path": s.path, "page": s.page, "snippet": s.snippet}
                for s in chunk.items
            ]
        elif isinstance(chunk, Notice):
            self.notices.append({"level": chunk.level, "text": chunk.text})


def quiet_libraries() -> None:
    """Keep the libraries' progress bars and logs off standard error (see the module)."""
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    logging.captureWarnings(True)  # library warnings become log records, below
    logging.getLogger("py.warnings").setLevel(logging.ERROR)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


def check_files(files: list[Path], max_mb: int) -> str:
    """Why one of *files* cannot be attached ("" when all can)."""
    from assistant.core.attachments import AttachmentError, check_attachable, expand_folder

    for path in files:
        try:
            if path.is_dir():
                if not expand_folder(path):
                    return f"cannot attach {path}: the folder has no files in it."
                continue
            check_attachable(path, max_bytes=max_mb * 1024**2)
        except AttachmentError as exc:
            return f"cannot attach {path}: {exc}"
    return ""


def _fail(message: str) -> int:
    print(f"assistant ask: error: {message}", file=sys.stderr)
    return USAGE_ERROR


def ask(options: AskOptions) -> int:
    """Ask, stream (or collect, for ``--json``) the answer; returns the exit status."""
    if not options.verbose:
        quiet_libraries()
    from assistant.core.bootstrap import open_assistant
    from assistant.core.paths import default_paths
    from assistant.core.settings import SettingsStore

    paths = default_paths()
    limit = SettingsStore(paths.settings_file).general.max_attachment_mb
    problem = check_files(options.files, limit)
    if problem:
        return _fail(problem)
    assistant = open_assistant(paths)
    try:
        return _ask_in(assistant, options)
    finally:
        assistant.store.close()


def _ask_in(assistant: Assistant, options: AskOptions) -> int:
    from assistant.core.cancel import CancelToken
    from assistant.core.engine import PluginFailed

    store = assistant.store
    if options.conversation is not None and store.conversation(options.conversation) is None:
        return _fail(
            f"there is no conversation {options.conversation} (see: assistant conversations)."
        )
    if options.plugin and options.plugin not in assistant.registry:
        return _fail(f"there is no plugin called {options.plugin!r} (see: assistant plugins).")
    from assistant.core.options import OptionsError, option_pairs

    try:
        pairs = option_pairs(options.options)
    except OptionsError as exc:
        return _fail(str(exc))
    conversation_id = options.conversation or store.create_conversation(meta={"origin": "cli"})
    turn = assistant.prepare(
        conversation_id, options.text, options.files, plugin=options.plugin, options=pairs
    )
    route = {"plugin": turn.route.plugin, "reason": turn.route.reason}
    answer = Answer(conversation_id, turn.reply_message_id, route)
    if not options.as_json:
        print(f"[{turn.route.plugin} · {turn.route.reason}]", file=sys.stderr)
    try:
        for chunk in assistant.execute(turn, CancelToken(), _report):
            answer.add(chunk)
            if not options.as_json:
                _print_chunk(chunk)
    except PluginFailed as exc:
        answer.status, answer.error = "error", str(exc)
        if not options.as_json:
            print(f"\nerror: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    if options.as_json:
        print(json.dumps(answer.__dict__, ensure_ascii=False, indent=2))
    else:
        print()
    return 1 if answer.status == "error" else 0


def _report(chunk: object) -> None:
    from assistant.core.messages import Progress

    if isinstance(chunk, Progress):
        print(f"… {chunk.message}", file=sys.stderr, flush=True)


def _print_chunk(chunk: Chunk) -> None:
    from assistant.core.messages import ImageOut, Notice, Sources, TextDelta

    if isinstance(chunk, TextDelta):
        print(chunk.text, end="", flush=True)
    elif isinstance(chunk, ImageOut):
        print(f"\n[image: {chunk.path}]", flush=True)
    elif isinstance(chunk, Sources):
        for source in chunk.items:
            page = f", page {source.page}" if source.page else ""
            print(f"\n  source: {source.title}{page}", flush=True)
    elif isinstance(chunk, Notice):
        print(f"{chunk.level}: {chunk.text}", file=sys.stderr)
    else:
        _report(chunk)
