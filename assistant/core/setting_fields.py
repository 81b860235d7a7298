"""What a settings field says about itself beyond its type, for the form the app builds.

A settings model (the app's or a plugin's) declares these in a field's
``json_schema_extra``; the settings form honours them for every plugin alike:

``CHOICES``
    ``"plugins"``: the value is the name of an installed plugin (``ACCEPTS`` narrows the
    list to those that take a kind of input: ``"image"``, ``"audio"``, ...). Otherwise
    ``"package.module:function"``: a cheap function (no heavy import) that returns the
    values of the field's ``Literal`` type that work on this computer (the engines that are
    installed, the devices there are); the others are offered greyed out.
``CHOICE_TITLES``
    ``{value: title}``: what a drop-down shows for a ``Literal`` value (its value otherwise).
``PATH``
    ``"file"``, ``"folder"`` or ``"file_or_folder"``: the form adds Browse…;
    ``PATH_FILTER`` is the file dialog's filter, e.g. ``"GGUF models (*.gguf)"``.
``ENABLED_WHEN``
    ``{"other_field": condition}``: the field applies only while every condition holds, and
    is greyed out otherwise. A condition is a list of values the other field may have, or
    ``True`` (the other field is set: not empty, not false) or ``False`` (it is not).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

CHOICES = "choices"
PLUGINS = "plugins"  # the CHOICES value for "one of the installed plugins"
ACCEPTS = "accepts"
CHOICE_TITLES = "choice_titles"
PATH = "path"
PATH_FILTER = "path_filter"
ENABLED_WHEN = "enabled_when"
PATH_KINDS = ("file", "folder", "file_or_folder")


def field_extra(field: FieldInfo) -> dict[str, Any]:
    """The field's ``json_schema_extra`` as a dict (empty when it has none)."""
    extra = field.json_schema_extra
    return dict(extra) if isinstance(extra, dict) else {}


def path_kind(field: FieldInfo) -> str:
    """ "file", "folder" or "file_or_folder" when the field holds a path, else ""."""
    kind = str(field_extra(field).get(PATH, ""))
    return kind if kind in PATH_KINDS else ""


def conditions(field: FieldInfo) -> dict[str, Any]:
    """The other fields this field depends on, each with its condition."""
    when = field_extra(field).get(ENABLED_WHEN, {})
    return dict(when) if isinstance(when, Mapping) else {}


def holds(condition: Any, value: Any) -> bool:
    """Whether *value* (another field's) meets *condition* (see ``ENABLED_WHEN``)."""
    if isinstance(condition, bool):
        is_set = bool(value.strip()) if isinstance(value, str) else bool(value)
        return is_set is condition
    if isinstance(condition, list | tuple):
        return value in condition
    return bool(value == condition)


def applies(field: FieldInfo, values: Mapping[str, Any]) -> bool:
    """Whether *field* applies given the other fields' *values*."""
    return all(
        holds(condition, values.get(other)) for other, condition in conditions(field).items()
    )


def chooses_plugin(field: FieldInfo) -> bool:
    """Whether the field's value is the name of an installed plugin."""
    return field_extra(field).get(CHOICES) == PLUGINS


def plugin_kind(field: FieldInfo) -> str:
    """The kind of input a plugin-choice field's plugins must take, or "" for any."""
    return str(field_extra(field).get(ACCEPTS, ""))


def choice_title(field: FieldInfo, value: Any) -> str:
    """What a drop-down shows for *value* of *field*."""
    titles = field_extra(field).get(CHOICE_TITLES, {})
    return str(titles.get(value, value)) if isinstance(titles, Mapping) else str(value)


def available_values(field: FieldInfo) -> list[Any] | None:
    """What the field's choice function says works on this computer, or None when the field
    names no such function (every value of its type is offered)."""
    source = field_extra(field).get(CHOICES)
    if not isinstance(source, str) or ":" not in source:
        return None
    module, _, name = source.partition(":")
    function: Callable[[], Sequence[Any]] = getattr(importlib.import_module(module), name)
    return list(function())


def settings_path(page: str, model: type[BaseModel], field: str) -> str:
    """How a person finds *field* of *model* in the settings dialog: ``"Settings → Vision →
    Detector model"``; *page* is the tab's title (the plugin's title). ``KeyError`` for a
    field the model lacks, so a notice can never name a setting that is not there."""
    info = model.model_fields[field]
    label = info.title or field.replace("_", " ").capitalize()
    return f"Settings → {page} → {label}"
