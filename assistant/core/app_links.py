"""Links the app itself handles, as notice actions: open Settings at a field, or ask for a
folder and save it to a field.

A notice's action is a link. ``"<plugin>:<target>"`` goes to that plugin's ``handle_link``;
``"app:settings/<section>/<field>"`` opens Settings on that section's tab at that field,
and ``"app:choose-folder/<section>/<field>"`` asks for a folder and saves its path to the
field. *section* is a plugin's name, or ``"general"`` for the app's own settings. This
module builds and reads those links; the window does what they say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from pydantic import BaseModel

from assistant.core.settings import SettingsStore

SCHEME = "app"
AppAction = Literal["settings", "choose-folder"]
SETTINGS: Final = "settings"
CHOOSE_FOLDER: Final = "choose-folder"
GENERAL = "general"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


@dataclass(frozen=True, slots=True)
class AppLink:
    """What an app link asks for: *action* on *section*'s *field* ("" for the whole tab)."""

    action: AppAction
    section: str
    field: str = ""


def settings_link(section: str, field: str = "") -> str:
    """The link that opens Settings on *section*'s tab, at *field* when given."""
    return f"{SCHEME}:{SETTINGS}/{section}" + (f"/{field}" if field else "")


def choose_folder_link(section: str, field: str) -> str:
    """The link that asks for a folder and saves it to *section*'s *field*."""
    return f"{SCHEME}:{CHOOSE_FOLDER}/{section}/{field}"


def parse_app_link(link: str) -> AppLink | None:
    """The :class:`AppLink` *link* names, or None when it is not a well-formed app link
    (a plugin link, a web address, a typo)."""
    scheme, colon, rest = link.strip().partition(":")
    if scheme != SCHEME or not colon:
        return None
    parts = rest.split("/")
    if not all(_NAME.fullmatch(part) for part in parts[1:]):
        return None
    if parts[0] == SETTINGS and len(parts) in (2, 3):
        return AppLink(SETTINGS, parts[1], parts[2] if len(parts) == 3 else "")
    if parts[0] == CHOOSE_FOLDER and len(parts) == 3:
        return AppLink(CHOOSE_FOLDER, parts[1], parts[2])
    return None


def save_field(
    settings: SettingsStore, section: str, model: type[BaseModel], field: str, value: str
) -> BaseModel:
    """Save *value* to *field* of *section* (validated by *model*, the section's settings
    model) and return the new settings; raises ``KeyError`` for a field *model* lacks and
    pydantic's ``ValidationError`` for a value it refuses."""
    if field not in model.model_fields:
        raise KeyError(f"The {section} settings have no field called “{field}”.")
    if section == GENERAL:
        general = settings.general.model_validate({**settings.general.model_dump(), field: value})
        settings.update_general(general)
        return general
    current = settings.section(section, model)
    updated = model.model_validate({**current.model_dump(), field: value})
    settings.update_section(section, updated)
    return updated
