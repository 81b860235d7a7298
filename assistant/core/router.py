"""The router: which plugin answers a request, and a reason the person can read.

In order: a plugin the person picked ("send to…"), a slash command, an attachment (what
the text asks of it, when a plugin that takes that kind means it; else the plugin for that
kind), the intent classifier, and finally the default plugin.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from assistant.core.app_links import GENERAL, settings_link
from assistant.core.intents import IntentClassifier, KeywordIntentClassifier
from assistant.core.messages import Attachment, Kind, Notice, NoticeAction, Route
from assistant.core.plugin import Manifest
from assistant.core.setting_fields import settings_path
from assistant.core.settings import GeneralSettings

_COMMAND = re.compile(r"^\s*/([A-Za-z][\w-]{0,31})(?:\s+|$)(.*)\Z", re.DOTALL)
HELP_PLUGIN = "help"
FALLBACK_PLUGIN = "chat"  # answers in place of a default plugin that is not installed
MISSING_DEFAULT = "missing_default"  # Route.extra: the default plugin that is not installed
FALLBACK_TITLE = "fallback_title"  # Route.extra: the title of the plugin that answered instead


@dataclass(frozen=True, slots=True)
class SlashCommand:
    """A parsed ``/name rest-of-text``."""

    name: str
    rest: str


def parse_command(text: str) -> SlashCommand | None:
    """The slash command that starts *text*, or None (a path like ``/usr/bin`` is not one)."""
    match = _COMMAND.match(text)
    if match is None:
        return None
    return SlashCommand(match.group(1).lower(), match.group(2).strip())


def missing_default_notice(route: Route) -> Notice | None:
    """What to tell the person when *route* went elsewhere because the default plugin in
    the settings is not installed (once per conversation), else None."""
    missing = route.extra.get(MISSING_DEFAULT)
    if not missing:
        return None
    where = settings_path("General", GeneralSettings, "default_plugin")
    answered = route.extra.get(FALLBACK_TITLE, route.plugin)
    return Notice(
        f"The default plugin “{missing}” is not installed, so {answered} answered. "
        f"Choose another in {where}.",
        "warning",
        key=f"settings.missing-default/{missing}",
        actions=(NoticeAction("Settings", settings_link(GENERAL, "default_plugin")),),
    )


class Router:
    """Chooses a plugin for each request."""

    def __init__(
        self,
        manifests: Callable[[], Sequence[Manifest]],
        *,
        default: str = "chat",
        by_kind: Mapping[Kind, str] | None = None,
        classifier: IntentClassifier | None = None,
    ) -> None:
        self._manifests = manifests
        self.default = default
        self.by_kind = dict(by_kind or {})
        self.classifier: IntentClassifier = classifier or KeywordIntentClassifier()

    def route(
        self,
        text: str,
        attachments: Sequence[Attachment] = (),
        *,
        recent: Collection[Kind | str] = (),
        chosen: str | None = None,
    ) -> Route:
        """The plugin for this request and why; *chosen* is a plugin the person picked."""
        manifests = {m.name: m for m in self._manifests()}
        if chosen:
            return Route(chosen, f"sent to {chosen} by you", text)
        command = parse_command(text)
        if command is not None:
            return self._by_command(command, manifests, text)
        kinds = {a.kind for a in attachments}
        match = (
            self.classifier.classify(text, list(manifests.values()), {*recent, *kinds})
            if text.strip() or not attachments
            else None
        )
        meant = match.plugin if match is not None and match.plugin in manifests else ""
        if attachments and meant and kinds <= manifests[meant].accepts:  # "as a watercolor"
            kind = attachments[0].kind.value
            return Route(meant, f"intent: {match.label} ({kind} attached)", text)  # type: ignore[union-attr]
        for attachment in attachments:
            plugin = self._for_kind(attachment.kind, manifests)
            if plugin:
                return Route(plugin, f"{attachment.kind.value} attached", text)
        if match is not None and match.plugin in manifests:
            return Route(match.plugin, f"intent: {match.label}", text)
        return self._default_route(manifests, text)

    def _default_route(self, manifests: Mapping[str, Manifest], text: str) -> Route:
        """The default plugin's route; when it is not installed (a name left in the settings
        file, a plugin since removed), another plugin's, saying so."""
        if self.default in manifests or not manifests:
            return Route(self.default, "default", text)
        takes_text = [m.name for m in manifests.values() if Kind.TEXT in m.accepts]
        candidates = [n for n in (FALLBACK_PLUGIN, *takes_text) if n in manifests]
        candidates = [n for n in candidates if n != HELP_PLUGIN] or [*manifests]
        fallback = candidates[0]
        reason = f"default plugin “{self.default}” is not installed"
        extra = {MISSING_DEFAULT: self.default, FALLBACK_TITLE: manifests[fallback].title}
        return Route(fallback, reason, text, extra=extra)

    def _by_command(
        self, command: SlashCommand, manifests: Mapping[str, Manifest], text: str
    ) -> Route:
        reason = f"/{command.name} command"
        for manifest in manifests.values():
            if any(c.name == command.name for c in manifest.commands):
                return Route(manifest.name, reason, command.rest, command=command.name)
        if command.name in manifests:
            return Route(command.name, reason, command.rest, command=command.name)
        if HELP_PLUGIN in manifests:
            return Route(HELP_PLUGIN, f"unknown command /{command.name}", text, command="help")
        return self._default_route(manifests, text)

    def _for_kind(self, kind: Kind, manifests: Mapping[str, Manifest]) -> str | None:
        preferred = self.by_kind.get(kind, "")
        if preferred in manifests and kind in manifests[preferred].accepts:
            return preferred
        for manifest in manifests.values():
            if kind in manifest.accepts and manifest.name != HELP_PLUGIN:
                return manifest.name
        return None
