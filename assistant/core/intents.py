"""Intent classifiers: which plugin a plain-words request is for, when nothing else says.

The router asks an :class:`IntentClassifier` only after slash commands and attachments have
had their say. :class:`KeywordIntentClassifier` is the simple built-in one; the documents
plugin brings an embedding-based one.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Protocol

from assistant.core.messages import Kind
from assistant.core.plugin import Intent, Manifest


@dataclass(frozen=True, slots=True)
class IntentMatch:
    """The plugin an intent classifier chose, the intent's label and how sure it is."""

    plugin: str
    label: str
    score: float


class IntentClassifier(Protocol):
    """Chooses a plugin for a request in plain words, or None for the default plugin.

    *recent* holds the kinds of attachment the conversation carried lately and the plugin
    that gave the last answer, so that intents that follow an attachment or an answer (see
    :attr:`Intent.follows`) can apply.
    """

    def classify(
        self, text: str, manifests: Sequence[Manifest], recent: Collection[Kind | str] = ()
    ) -> IntentMatch | None: ...


@lru_cache(maxsize=512)
def _pattern(expression: str) -> re.Pattern[str]:
    return re.compile(expression, re.IGNORECASE)


class KeywordIntentClassifier:
    """Matches each intent's keyword patterns; the intent with most matches wins. With no
    match, an elliptic follow-up ("and the coffee?") goes to the plugin of the last answer."""

    def classify(
        self, text: str, manifests: Sequence[Manifest], recent: Collection[Kind | str] = ()
    ) -> IntentMatch | None:
        best: IntentMatch | None = None
        for manifest in manifests:
            for intent in manifest.intents:
                if intent.follows is not None and intent.follows not in recent:
                    continue
                hits = sum(1 for k in intent.keywords if _pattern(k).search(text))
                if hits and (best is None or hits > best.score):
                    best = IntentMatch(manifest.name, intent.label, float(hits))
        return best or follow_up_match(text, manifests, recent)


class LayeredIntentClassifier:
    """Explicit phrases first, then meaning.

    A request that says "according to my notes" names its plugin; the keyword rules catch
    that exactly. Rules of an intent that only *follows* an attachment ("how many…?" after
    a photo) are broad, so there the model decides first and the rule is the fallback; so
    is everything else. Routing never fails because the model could not load: from then
    on the rules decide alone, and *error* says why.
    """

    def __init__(self, model: IntentClassifier, rules: IntentClassifier | None = None) -> None:
        self.model = model
        self.rules: IntentClassifier = rules or KeywordIntentClassifier()
        self.error = ""

    def classify(
        self, text: str, manifests: Sequence[Manifest], recent: Collection[Kind | str] = ()
    ) -> IntentMatch | None:
        explicit = [_without_follow_ups(m) for m in manifests]
        match = self.rules.classify(text, explicit, recent)
        if match is not None or self.error:
            return match or self.rules.classify(text, manifests, recent)
        try:
            meant = self.model.classify(text, manifests, recent)
        except Exception as exc:  # any failure of the model means: the rules alone
            self.error = str(exc) or type(exc).__name__
            meant = None
        return meant or self.rules.classify(text, manifests, recent)

    def warm_up(self, manifests: Sequence[Manifest]) -> None:
        """Have the model ready for *manifests* before the first request, when it can be
        (a model without ``warm_up`` loads on its first request); a failure is kept in
        *error* and the rules decide alone, as a failure on a request would."""
        warm = getattr(self.model, "warm_up", None)
        if not callable(warm) or self.error:
            return
        try:
            warm(manifests)
        except Exception as exc:  # any failure of the model means: the rules alone
            self.error = str(exc) or type(exc).__name__


# "and the coffee?", "what about the other one?", "那第二张呢？": words that only make sense
# as more of the same question, so they go where the last answer came from.
_ELLIPTIC = re.compile(
    r"^\s*(?:and|but|also|(?:and |but )?(?:what|how) about)\s+"
    r"(?!(?:why|what|how|who|where|when|which|is|are|was|were|do|does|did|can|could|would|"
    r"should|will|tell|explain|write|give|show|make|draw|translate)\b)[^.!?\n]{1,40}\?\s*$"
    r"|^\s*(?:那|还有)?[^。！!？?\n]{1,20}呢\s*[？?]?\s*$",
    re.IGNORECASE,
)
FOLLOW_UP_LABEL = "follow-up to the last answer"


def follow_up_match(
    text: str, manifests: Sequence[Manifest], recent: Collection[Kind | str]
) -> IntentMatch | None:
    """The plugin of the last answer (a name in *recent*) for an elliptic follow-up such as
    "and the coffee?", else None."""
    if not _ELLIPTIC.match(text):
        return None
    names = {m.name for m in manifests if Kind.TEXT in m.accepts}
    last = next((r for r in recent if not isinstance(r, Kind) and r in names), None)
    return IntentMatch(last, FOLLOW_UP_LABEL, 1.0) if last else None


def cued(intent: Intent, text: str) -> bool:
    """Whether *text* holds one of *intent*'s cues (true when it has none)."""
    return not intent.cues or any(_pattern(cue).search(text) for cue in intent.cues)


def _without_follow_ups(manifest: Manifest) -> Manifest:
    return replace(manifest, intents=tuple(i for i in manifest.intents if i.follows is None))
