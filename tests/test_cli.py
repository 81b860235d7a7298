"""The ``assistant`` command, run as a person runs it: a separate process, its output read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core.paths import default_paths
from assistant.core.store import Store
from tests.conftest import ignores_file_permissions, rerun_unprivileged

ROOT = Path(__file__).resolve().parents[1]


def run(*arguments: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``assistant ARGUMENTS`` in a new process, on the test's private folders."""
    return subprocess.run(
        [sys.executable, "-m", "assistant", *arguments],
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "default"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def stored_conversations() -> list[tuple[int, str, str]]:
    store = Store(default_paths().database)
    try:
        return [(c.id, c.title, c.origin) for c in store.conversations()]
    finally:
        store.close()


def test_a_missing_attachment_is_an_error_before_anything_is_asked() -> None:
    done = run("ask", "what is this?", "--attach", "/nonexistent.png", "--plugin", "help")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip() == (
        "assistant ask: error: cannot attach /nonexistent.png: there is no file /nonexistent.png."
    )
    assert stored_conversations() == []  # nothing was stored, nothing asked


def test_an_unreadable_attachment_is_an_error(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if ignores_file_permissions():
        rerun_unprivileged(request)
        return
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    secret.chmod(0)
    done = run("ask", "summarise", "--attach", str(secret), "--plugin", "help")
    assert done.returncode == 2, done.stderr
    assert f"cannot attach {secret}" in done.stderr and "permission denied" in done.stderr
    assert stored_conversations() == []


def test_a_folder_or_an_unknown_conversation_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    done = run("ask", "look", "--attach", str(empty))
    assert done.returncode == 2 and "the folder has no files in it" in done.stderr
    done = run("ask", "go on", "--conversation", "41", "--plugin", "help")
    assert done.returncode == 2 and "there is no conversation 41" in done.stderr
    assert stored_conversations() == []


def test_help_is_plain_text() -> None:
    done = run("--help")
    assert done.returncode == 0
    for markup in ("``", ":class:", ":func:", "*ask*"):
        assert markup not in done.stdout
    assert not any(line.lstrip().startswith(".. ") for line in done.stdout.splitlines())
    assert 'assistant ask "text"' in done.stdout
    assert "assistant conversations" in done.stdout
    assert "exit status" in done.stdout
    ask = run("ask", "--help")
    assert ask.returncode == 0 and "--json" in ask.stdout and "``" not in ask.stdout


def test_ask_as_json_and_the_conversation_is_listed_as_from_the_command_line() -> None:
    done = run("ask", "what can you do?", "--plugin", "help", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)  # the whole of standard output is one object
    assert answer["route"]["plugin"] == "help"
    assert answer["text"].strip() and answer["status"] == "done"
    assert set(answer) >= {"sources", "images", "notices", "conversation_id", "message_id"}
    [(conversation, title, origin)] = stored_conversations()
    assert (conversation, origin) == (answer["conversation_id"], "cli")
    listing = run("conversations")
    assert listing.returncode == 0, listing.stderr
    [line] = listing.stdout.splitlines()
    number, day, clock, *rest = line.split()
    assert int(number) == conversation
    assert len(day) == 10 and day[4] == "-" and ":" in clock
    assert " ".join(rest) == f"{title} (command line)"
    rows = json.loads(run("conversations", "--json").stdout)
    assert [(r["id"], r["title"], r["origin"], r["messages"]) for r in rows] == [
        (conversation, title, "cli", 2)
    ]


def test_no_conversations_lists_nothing() -> None:
    done = run("conversations")
    assert (done.returncode, done.stdout) == (0, "")


def test_only_the_apps_own_lines_reach_standard_error(tmp_path: Path) -> None:
    from tests.plugins.chat.conftest import build_tiny_llm

    model = build_tiny_llm(tmp_path / "tiny-llm")  # a real model, loaded by the real code
    settings = {"local_model": str(model), "engine": "transformers", "max_new_tokens": 8}
    config = default_paths().settings_file
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps({"schema_version": 1, "plugins": {"chat": settings}}))
    done = run("ask", "hello there", "--plugin", "chat")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == "[chat · sent to chat by you]"
    assert all(line.startswith("… ") for line in lines[1:]), done.stderr  # progress only
    assert any("is ready" in line for line in lines)
    assert done.stdout.strip()  # it did answer
    # The control: with --verbose the library's own bar is there, so the check above holds.
    loud = run("ask", "hello again", "--plugin", "chat", "--verbose")
    assert loud.returncode == 0 and "Loading weights" in loud.stderr


def test_json_holds_every_part_of_an_answer() -> None:
    from assistant.cli_ask import Answer
    from assistant.core.bootstrap import open_assistant
    from assistant.core.cancel import CancelToken
    from assistant.core.registry import PluginRegistry
    from tests.illustrator import NOTICE, SOURCE, Illustrator

    core = open_assistant(registry=PluginRegistry([Illustrator()]))
    try:
        conversation = core.store.create_conversation(meta={"origin": "cli"})
        turn = core.prepare(conversation, "draw for June", plugin="illustrator")
        answer = Answer(conversation, turn.reply_message_id, {"plugin": "illustrator"})
        for chunk in core.execute(turn, CancelToken()):
            answer.add(chunk)
    finally:
        core.store.close()
    printed = json.loads(json.dumps(answer.__dict__))
    assert (
        printed["text"] == "It shows a *red* square on **white**.\n\nSee [1] about June (answer 1)."
    )
    assert printed["notices"] == [{"level": NOTICE.level, "text": NOTICE.text}]
    assert printed["sources"] == [
        {"title": SOURCE.title, "path": SOURCE.path, "page": SOURCE.page, "snippet": SOURCE.snippet}
    ]
    [image] = printed["images"]
    assert image["caption"] == "boxes.png" and Path(image["path"]).is_file()
