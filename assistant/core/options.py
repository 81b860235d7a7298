"""Per-request options: the parameters of one request, declared by a plugin as a model.

A manifest's ``options`` is a pydantic model whose fields are what one request may set
(``--steps 25 --seed 7 --negative "blurry"``). They are parsed out of the message's text,
or given by a form or on the command line; every value is checked by the model, and an
unknown flag or a bad value is an :class:`OptionsError` that names the valid ones.
Only the options a person gave travel in the request: the plugin's settings decide the
rest.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

_FLAG = re.compile(
    r"""(?:^|(?<=\s))--(?P<name>[A-Za-z][\w-]*)(?:=|\s+)?"""
    r"""(?P<value>"[^"]*"|'[^']*'|(?!--)[^\s]+)?"""
)
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


class OptionsError(ValueError):
    """An option the plugin does not know, or a value it cannot take; says which are valid."""


@dataclass(frozen=True, slots=True)
class ParsedOptions:
    """A message's text without its flags, and the options they gave."""

    text: str
    options: dict[str, Any]


def flag_of(name: str) -> str:
    """The flag of the field *name*: ``negative_prompt`` → ``--negative-prompt``."""
    return "--" + name.replace("_", "-")


def _field_names(model: type[BaseModel]) -> dict[str, str]:
    """Every spelling a field answers to (its name, dashed or not, and its ``aliases``)."""
    names: dict[str, str] = {}
    for name, field in model.model_fields.items():
        names[name] = names[name.replace("_", "-")] = name
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        aliases = extra.get("aliases", ())
        for alias in aliases if isinstance(aliases, list | tuple) else ():
            names[str(alias)] = name
    return names


def valid_flags(model: type[BaseModel]) -> str:
    """The flags *model* takes, e.g. ``--steps, --seed, --negative``."""
    return ", ".join(flag_of(name) for name in model.model_fields)


def is_bool(model: type[BaseModel], name: str) -> bool:
    """Whether the field *name* is a yes/no option (its flag alone means yes)."""
    return bare_type(model.model_fields[name].annotation) is bool


def bare_type(annotation: Any) -> Any:
    """The type of an optional field without ``None`` (``int | None`` → ``int``)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def parse_options(text: str, model: type[BaseModel]) -> ParsedOptions:
    """Take the ``--flag value`` pairs out of *text*; raises :class:`OptionsError`."""
    names = _field_names(model)
    given: dict[str, Any] = {}
    kept: list[str] = []
    position = 0
    for match in _FLAG.finditer(text):
        flag, value = match.group("name"), match.group("value")
        name = names.get(flag) or names.get(flag.lower())
        if name is None:
            raise OptionsError(f"There is no option --{flag}. Valid options: {valid_flags(model)}.")
        end = match.end()
        if is_bool(model, name) and (value is None or value.lower() not in _TRUE | _FALSE):
            end = match.start("value") if value is not None else end
            value = "true"
        if value is None:
            raise OptionsError(f"{flag_of(name)} needs a value ({describe_field(model, name)}).")
        kept.append(text[position : match.start()])
        position = end
        given[name] = value[1:-1] if value[:1] in "\"'" and len(value) > 1 else value
    kept.append(text[position:])
    remaining = re.sub(r"[ \t]{2,}", " ", "".join(kept)).strip()
    return ParsedOptions(remaining, validate_options(given, model))


def validate_options(values: Mapping[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    """*values* checked by *model*: the given options only, as plain JSON values."""
    names = _field_names(model)
    unknown = [key for key in values if key not in names]
    if unknown:
        raise OptionsError(
            f"There is no option {flag_of(unknown[0])}. Valid options: {valid_flags(model)}."
        )
    data = {names[key]: value for key, value in values.items()}
    try:
        checked = model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else ""
        got = data.get(name, "")
        field = f"{flag_of(name)} " if name else ""
        raise OptionsError(
            f"{field}cannot be {got!r}: {error['msg']} ({describe_field(model, name)})."
        ) from exc
    dumped = checked.model_dump(mode="json")
    return {name: dumped[name] for name in data}


def describe_field(model: type[BaseModel], name: str) -> str:
    """What the field *name* takes, in a few words: its choices, range or type."""
    field = model.model_fields.get(name)
    if field is None:
        return f"valid options: {valid_flags(model)}"
    kind = bare_type(field.annotation)
    if typing.get_origin(kind) is typing.Literal:
        return "one of " + ", ".join(repr(c) for c in typing.get_args(kind))
    low = high = None
    for rule in field.metadata:
        low = getattr(rule, "ge", getattr(rule, "gt", low))
        high = getattr(rule, "le", getattr(rule, "lt", high))
    what = {int: "a whole number", float: "a number", bool: "yes or no"}.get(kind, "text")
    if low is not None and high is not None:
        return f"{what} from {low} to {high}"
    if low is not None:
        return f"{what} of at least {low}"
    return what


def option_pairs(pairs: list[str]) -> dict[str, str]:
    """``["steps=25", "seed=7"]`` (from ``--set``) as a dict; raises :class:`OptionsError`."""
    values: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise OptionsError(f"--set takes NAME=VALUE, not {pair!r}.")
        values[name.strip().removeprefix("--")] = value
    return values


def options_text(options: Mapping[str, Any]) -> str:
    """*options* written as flags, e.g. ``--steps 25 --negative "blurry"``."""
    words = []
    for name, value in options.items():
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        if not shown or re.search(r"\s", shown):
            shown = f'"{shown}"'
        words.append(f"{flag_of(name)} {shown}")
    return " ".join(words)
