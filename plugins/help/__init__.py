"""``/help``: what each plugin does, its commands and what it accepts."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.core.messages import Chunk, Request, TextDelta
from assistant.core.plugin import Command, Manifest, PluginContext, PluginInfo


class HelpPlugin:
    """Lists the plugins and how to reach each one."""

    manifest = Manifest(
        name="help",
        title="Help",
        description="Lists the plugins, their commands and what they accept.",
        commands=(Command("help", "Show what the assistant can do"),),
        single_thread=False,
    )

    def load(self, context: PluginContext) -> None:
        """Nothing to load."""

    def unload(self) -> None:
        """Nothing to free."""

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        """Yield the help text as one Markdown piece."""
        lines: list[str] = []
        if request.command == "help" and request.text.startswith("/"):
            lines.append(f"There is no command `{request.text.split()[0]}`.\n")
        lines.append("**What I can do**\n")
        for info in sorted(context.plugins, key=lambda i: i.manifest.title):
            lines.append(_describe(info))
        lines.append(
            "\nDrop files or images onto the window to attach them; "
            "**Enter** sends, **Shift+Enter** starts a new line, **Esc** stops an answer."
        )
        yield TextDelta("\n".join(lines))


def _describe(info: PluginInfo) -> str:
    manifest = info.manifest
    accepts = ", ".join(sorted(kind.value for kind in manifest.accepts))
    commands = ", ".join(f"`/{c.name}` {c.summary.lower()}" for c in manifest.commands)
    line = f"- **{manifest.title}**: {manifest.description} Accepts {accepts}."
    if commands:
        line += f" Commands: {commands}."
    if info.state == "failed":
        line += f" *Unavailable: {info.error}*"
    elif info.state == "disabled":
        line += " *Turned off.*"
    return line
