"""The ``assistant`` command: the window by default, or ``ask`` and ``plugins`` without Qt.

``assistant ask "text" [--attach FILE]... [--plugin NAME] [--set NAME=VALUE]...`` streams
the answer to standard output, progress and notices to standard error; the conversation is
stored like any other. ``--set`` gives one of the plugin's per-request options (``--set
steps=25``), as the Options form does.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    if not arguments:  # the window: opened before anything it does not need is imported
        from assistant.ui.app import run_app

        return run_app()
    parser = _parser()
    args = parser.parse_args(arguments)
    if args.command == "ask":
        files = [Path(p) for p in args.attach]
        return _ask(args.text, files, args.plugin, args.conversation, args.set)
    if args.command == "plugins":
        return _plugins()
    from assistant.ui.app import run_app

    return run_app()


def _parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(prog="assistant", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    ask = commands.add_parser("ask", help="ask something and stream the answer")
    ask.add_argument("text")
    ask.add_argument("--attach", action="append", default=[], metavar="FILE")
    ask.add_argument("--plugin", help="the plugin to answer (default: routed)")
    ask.add_argument("--conversation", type=int, help="continue this conversation id")
    ask.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="an option of the plugin that answers, e.g. --set steps=25",
    )  # fmt: skip
    commands.add_parser("plugins", help="list the plugins and their state")
    return parser


def _ask(
    text: str, files: list[Path], plugin: str | None, conversation: int | None, pairs: list[str]
) -> int:
    from assistant.core.bootstrap import open_assistant
    from assistant.core.cancel import CancelToken
    from assistant.core.engine import PluginFailed
    from assistant.core.messages import ImageOut, Notice, Progress, Sources, TextDelta
    from assistant.core.options import OptionsError, option_pairs

    try:
        options = option_pairs(pairs)
    except OptionsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    assistant = open_assistant()
    conversation_id = conversation or assistant.store.create_conversation()
    turn = assistant.prepare(conversation_id, text, files, plugin=plugin, options=options)
    print(f"[{turn.route.plugin} · {turn.route.reason}]", file=sys.stderr)

    def report(chunk: object) -> None:
        if isinstance(chunk, Progress):
            print(f"… {chunk.message}", file=sys.stderr, flush=True)

    try:
        for chunk in assistant.execute(turn, CancelToken(), report):
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
                report(chunk)
    except PluginFailed as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        assistant.store.close()
    print()
    return 0


def _plugins() -> int:
    from assistant.core.bootstrap import open_assistant

    assistant = open_assistant()
    for record in assistant.registry.records():
        title = record.manifest.title if record.manifest else record.name
        line = f"{record.name:12} {record.state.value:10} {title}"
        if record.error:
            line += f"  ({record.error})"
        print(line)
    assistant.store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
