"""The ``assistant`` command: the window by default, or ``ask``, ``conversations`` and
``plugins`` without Qt. The help text is ``DESCRIPTION`` below (plain text, as printed)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

DESCRIPTION = """\
A desktop assistant. Without a command it opens the window.

  assistant ask "text" [--attach FILE]... [--plugin NAME] [--json]
      Ask something. The answer streams to standard output; the app's progress
      and notices go to standard error. The conversation is stored like any
      other and is marked in the window's list as started from the command line.
  assistant conversations [--json]
      List the stored conversations: id, date and title, newest first.
  assistant plugins
      List the plugins and their state.
"""

EPILOG = """\
exit status: 0 answered, 1 the answer failed, 2 bad arguments (such as a missing
or unreadable attachment, or an unknown conversation), 130 interrupted.
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    if not arguments:  # the window: opened before anything it does not need is imported
        from assistant.ui.app import run_app

        return run_app()
    parser = _parser()
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:  # --help (0) or a usage error (2), already printed
        return int(exc.code or 0)
    try:
        return _run(args)
    except BrokenPipeError:  # the output went to a pager or `head` that has closed
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # as a shell reports a process ended by SIGPIPE


def _run(args: argparse.Namespace) -> int:
    if args.command == "ask":
        from assistant.cli_ask import AskOptions, ask

        options = AskOptions(
            args.text,
            [Path(p) for p in args.attach],
            args.plugin,
            args.conversation,
            as_json=args.json,
            verbose=args.verbose,
            options=args.set,
        )
        return ask(options)
    if args.command == "conversations":
        return _conversations(as_json=args.json)
    if args.command == "plugins":
        return _plugins()
    from assistant.ui.app import run_app

    return run_app()


def _parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="assistant",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    ask = commands.add_parser(
        "ask", help="ask something and stream the answer", description="Ask something."
    )
    ask.add_argument("text", help="what to ask")
    ask.add_argument(
        "--attach", action="append", default=[], metavar="FILE", help="attach a file (repeatable)"
    )
    ask.add_argument("--plugin", metavar="NAME", help="the plugin to answer (default: routed)")
    ask.add_argument("--conversation", type=int, metavar="ID", help="continue this conversation")
    ask.add_argument(
        "--json",
        action="store_true",
        help="print the answer and its parts (route, sources, images, notices) as one JSON object",
    )
    ask.add_argument(
        "--verbose", action="store_true", help="also show the libraries' own logs and progress bars"
    )
    ask.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="an option of the plugin that answers, e.g. --set steps=25",
    )  # fmt: skip
    listing = commands.add_parser(
        "conversations", help="list the stored conversations", description="List conversations."
    )
    listing.add_argument("--json", action="store_true", help="print them as a JSON array")
    commands.add_parser("plugins", help="list the plugins and their state")
    return parser


def _conversations(*, as_json: bool) -> int:
    import json
    import time

    from assistant.core.paths import default_paths
    from assistant.core.store import Store, StoreError

    store = Store(default_paths().database)
    try:
        listed = store.conversations()
    except StoreError as exc:
        print(f"assistant: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    if as_json:
        rows = [
            {
                "id": c.id,
                "title": c.title,
                "created": c.created,
                "updated": c.updated,
                "messages": c.message_count,
                "origin": c.origin or "window",
            }
            for c in listed
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    width = max((len(str(c.id)) for c in listed), default=2)
    for c in listed:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(c.updated))
        mark = "  (command line)" if c.origin == "cli" else ""
        print(f"{c.id:>{width}}  {when}  {c.title or 'New conversation'}{mark}")
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
