"""A stop during a load that cannot be interrupted: nothing said after it is kept."""

from __future__ import annotations

import threading

from assistant.core.bootstrap import open_assistant
from assistant.core.cancel import CancelToken
from assistant.core.paths import default_paths
from assistant.core.registry import PluginRegistry, PluginState
from tests.fakes import EchoPlugin, SlowLoader


def test_a_stop_during_the_load_keeps_the_model_and_says_nothing() -> None:
    slow = SlowLoader()
    core = open_assistant(default_paths(), PluginRegistry([EchoPlugin(), slow]))
    try:
        turn = core.prepare(core.store.create_conversation(), "/slowload hello")
        cancel = CancelToken()
        chunks: list[object] = []
        worker = threading.Thread(target=lambda: chunks.extend(core.execute(turn, cancel)))
        worker.start()
        assert slow.loading.wait(10)
        cancel.cancel()  # the load does not notice
        slow.gate.set()
        worker.join(10)
        assert not worker.is_alive()
        assert chunks == []  # the plugin's words after the stop were neither shown nor kept
        reply = core.store.message(turn.reply_message_id)
        assert reply is not None and (reply.status, reply.content) == ("stopped", "")
        record = core.registry.record("slowload")
        assert record is not None and record.state is PluginState.LOADED and slow.loaded
    finally:
        slow.gate.set()
        core.store.close()


def test_a_load_that_fails_because_of_the_stop_is_no_failure() -> None:
    class TornDown(SlowLoader):
        def load(self, context):  # type: ignore[no-untyped-def]
            super().load(context)
            raise OSError("connection closed")  # what a download torn down by a stop says

    torn = TornDown()
    core = open_assistant(default_paths(), PluginRegistry([EchoPlugin(), torn]))
    try:
        turn = core.prepare(core.store.create_conversation(), "/slowload hello")
        cancel = CancelToken()
        done = threading.Event()

        def run() -> None:
            list(core.execute(turn, cancel))
            done.set()

        worker = threading.Thread(target=run)
        worker.start()
        assert torn.loading.wait(10)
        cancel.cancel()
        torn.gate.set()
        worker.join(10)
        assert done.is_set()  # no PluginFailed
        reply = core.store.message(turn.reply_message_id)
        assert reply is not None and reply.status == "stopped"
    finally:
        torn.gate.set()
        core.store.close()
