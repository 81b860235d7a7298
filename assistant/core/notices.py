"""Notices shown once per conversation, and notices as a stored message keeps them.

A plugin that has something to say every time (a model is missing) gives its notice a
``key``; :class:`ShownNotices` remembers, per conversation, which answer showed each key, so
later answers in that conversation leave the notice out, live and in the store. When the
answer that showed it is gone (regenerated, edited away), the next answer shows it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.core.messages import Notice, NoticeAction
from assistant.core.store import Store

STATE_OWNER = "app"  # the owner of the per-conversation state the keys are kept under
_PREFIX = "notice:"


class ShownNotices:
    """Which keyed notices a conversation has shown, for the reply *reply_id*.

    The conversation is read from the reply itself on first use, so that the recorder
    that owns this needs nothing more than the reply's id.
    """

    def __init__(self, store: Store, reply_id: int) -> None:
        self._store, self._reply = store, reply_id
        self._conversation: int | None = None
        self._here: set[str] = set()  # keys this reply has shown

    def first_time(self, notice: Notice) -> bool:
        """Whether *notice* should be shown (and remember it as shown by this reply).

        A notice without a key always is; a keyed one only when no answer shown in the
        conversation (its versions now shown: another version does not count) said it,
        and only once in this answer.
        """
        if not notice.key:
            return True
        if notice.key in self._here:
            return False
        conversation = self._conversation_id()
        if conversation is None:  # the reply is gone; nothing is kept anyway
            return True
        state_key = _PREFIX + notice.key
        shown_by = self._store.get_state(conversation, STATE_OWNER, state_key)
        if shown_by.isdigit() and int(shown_by) != self._reply:
            earlier = self._store.message(int(shown_by))
            if earlier is not None and earlier.conversation_id == conversation:
                shown = {m.id for m in self._store.messages(conversation)}
                if earlier.id in shown:
                    return False
        self._here.add(notice.key)
        self._store.set_state(conversation, STATE_OWNER, state_key, str(self._reply))
        return True

    def _conversation_id(self) -> int | None:
        if self._conversation is None:
            reply = self._store.message(self._reply)
            self._conversation = reply.conversation_id if reply is not None else None
        return self._conversation


def notice_meta(notice: Notice) -> dict[str, Any]:
    """*notice* as an entry of a message's meta ``"notices"`` list (JSON-ready)."""
    entry: dict[str, Any] = {"text": notice.text, "level": notice.level}
    if notice.key:
        entry["key"] = notice.key
    if notice.actions:
        entry["actions"] = [{"label": a.label, "link": a.link} for a in notice.actions]
    return entry


def notices_from_meta(meta: Mapping[str, Any]) -> list[Notice]:
    """The notices a stored message's meta holds, in order; entries written before notices
    had keys and actions load as plain notices, malformed ones are skipped."""
    notices: list[Notice] = []
    for entry in meta.get("notices", []):
        if not isinstance(entry, Mapping):
            continue
        actions = tuple(
            NoticeAction(str(a.get("label", "")), str(a.get("link", "")))
            for a in entry.get("actions", [])
            if isinstance(a, Mapping) and a.get("link")
        )
        notices.append(
            Notice(
                str(entry.get("text", "")),
                str(entry.get("level", "info")),
                key=str(entry.get("key", "")),
                actions=actions,
            )
        )
    return notices
