"""App links in notice actions: built, parsed, and a chosen folder saved to its field."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from assistant.core.app_links import (
    AppLink,
    choose_folder_link,
    parse_app_link,
    save_field,
    settings_link,
)
from assistant.core.settings import SettingsStore


@pytest.mark.parametrize(
    ("link", "parsed"),
    [
        ("app:settings/vision/detector_model", AppLink("settings", "vision", "detector_model")),
        ("app:settings/general", AppLink("settings", "general", "")),
        ("app:choose-folder/vision/vqa_model", AppLink("choose-folder", "vision", "vqa_model")),
        ("app:choose-folder/vision", None),  # a folder for which field?
        ("app:settings", None),
        ("app:settings/vision/a/b", None),
        ("app:settings/../x", None),
        ("app:open/vision", None),
        ("vision:download/detector", None),  # a plugin link
        ("https://example.org", None),
        ("", None),
    ],
)
def test_app_links_are_parsed_and_anything_else_is_not(link: str, parsed: AppLink | None) -> None:
    assert parse_app_link(link) == parsed


def test_built_links_parse_back() -> None:
    assert parse_app_link(settings_link("chat", "local_model")) == AppLink(
        "settings", "chat", "local_model"
    )
    assert parse_app_link(settings_link("chat")) == AppLink("settings", "chat")
    assert parse_app_link(choose_folder_link("rag", "embedding_model")) == AppLink(
        "choose-folder", "rag", "embedding_model"
    )


class Models(BaseModel):
    detector_model: str = "facebook/detr-resnet-50"
    top: int = 5


def test_a_chosen_folder_is_saved_to_its_field(tmp_path: Path) -> None:
    settings = SettingsStore(tmp_path / "settings.json")
    settings.update_section("vision", Models(top=3))
    saved = save_field(settings, "vision", Models, "detector_model", str(tmp_path / "detr"))
    assert saved == Models(detector_model=str(tmp_path / "detr"), top=3)
    assert SettingsStore(tmp_path / "settings.json").section("vision", Models) == saved
    with pytest.raises(KeyError):
        save_field(settings, "vision", Models, "no_such_field", "x")
