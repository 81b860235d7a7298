"""Streams replies into a conversation store until it is killed; run by test_crash_safety.

Usage: ``python crash_writer.py DATABASE SEED``. After every commit it prints one JSON line,
``{"id": ..., "content": ..., "status": ...}``, saying what is now committed, so the test
knows what must survive the SIGKILL it sends at a random moment.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

# Run as a script, so the repository is not on sys.path by itself.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from assistant.core.store import Store

WORDS = ("the", "quick", "brown", "fox", "jumps", "über", "naïve", "café", "日本語", "🙂", "\n")


def report(message_id: int, content: str, status: str) -> None:
    """Tell the test what is committed now (only ever called after the commit)."""
    print(json.dumps({"id": message_id, "content": content, "status": status}), flush=True)


def stream_reply(store: Store, conversation: int, rng: random.Random) -> None:
    """Write one reply the way the engine does: add, checkpoint often, maybe finish."""
    message_id = store.add_message(conversation, "assistant", plugin="chat", status="streaming")
    report(message_id, "", "streaming")
    content = ""
    for _ in range(rng.randint(5, 80)):
        content += rng.choice(WORDS) + " "
        store.checkpoint(message_id, content)
        report(message_id, content, "streaming")
        time.sleep(rng.uniform(0.0005, 0.003))
    if rng.random() < 0.6:
        status = rng.choice(("done", "done", "stopped", "error"))
        store.finish_message(message_id, content, status, meta={"chunks": len(content)})
        report(message_id, content, status)


def main() -> None:
    """Write until killed."""
    database, seed = Path(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    store = Store(database)
    conversation = store.create_conversation(f"crash trial {seed}")
    while True:
        question = f"question {rng.randint(0, 10**6)}"
        report(store.add_message(conversation, "user", question), question, "done")
        stream_reply(store, conversation, rng)


if __name__ == "__main__":
    main()
