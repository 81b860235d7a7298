"""Per-request options: flags in the message, a form or --set; checked, stored, given back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import pytest
from pydantic import BaseModel, Field

from assistant.core.bootstrap import open_assistant
from assistant.core.cancel import CancelToken
from assistant.core.engine import Assistant, PluginFailed
from assistant.core.messages import Chunk, Request, TextDelta
from assistant.core.options import (
    OptionsError,
    option_pairs,
    options_text,
    parse_options,
    validate_options,
)
from assistant.core.paths import default_paths
from assistant.core.plugin import Command, Manifest, PluginContext
from assistant.core.registry import PluginRegistry
from tests.fakes import EchoPlugin


class Knobs(BaseModel):
    steps: int | None = Field(None, ge=1, le=150)
    seed: int | None = Field(None, ge=0)
    negative: str | None = Field(None, json_schema_extra={"aliases": ["neg"]})
    size: str | None = Field(None, pattern=r"^\d+x\d+$")
    sampler: Literal["Euler a", "DDIM"] | None = None
    hires: bool | None = None
    control_scale: float | None = Field(None, ge=0, le=2)


def test_flags_come_out_of_the_text_checked_and_typed() -> None:
    parsed = parse_options(
        'a lighthouse at dusk --steps 25 --seed 7 --negative "blurry, dark" --size 768x512',
        Knobs,
    )
    assert parsed.text == "a lighthouse at dusk"
    assert parsed.options == {"steps": 25, "seed": 7, "negative": "blurry, dark", "size": "768x512"}


def test_dashes_equals_aliases_choices_and_a_bare_yes_flag() -> None:
    parsed = parse_options("fox --control-scale=0.5 --neg blur --hires --sampler 'Euler a'", Knobs)
    assert parsed.text == "fox"
    assert parsed.options == {"control_scale": 0.5, "negative": "blur", "hires": True,
                              "sampler": "Euler a"}  # fmt: skip
    assert parse_options("--hires a cat", Knobs).options == {"hires": True}
    assert parse_options("--hires a cat", Knobs).text == "a cat"
    assert parse_options("a cat --hires false", Knobs).options == {"hires": False}


def test_an_unknown_flag_names_the_valid_ones() -> None:
    with pytest.raises(OptionsError, match=r"no option --stpes.*--steps, --seed, --negative"):
        parse_options("a fox --stpes 20", Knobs)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("--steps many", r"--steps cannot be 'many'.*whole number from 1 to 150"),
        ("--steps 0", r"--steps cannot be '0'.*from 1 to 150"),
        ("--sampler Fast", r"--sampler .*one of 'Euler a', 'DDIM'"),
        ("--size big", r"--size cannot be 'big'"),
        ("a fox --seed", r"--seed needs a value"),
    ],
)
def test_a_bad_value_says_what_the_option_takes(text: str, words: str) -> None:
    with pytest.raises(OptionsError, match=words):
        parse_options(text, Knobs)


def test_text_without_flags_is_left_alone() -> None:
    text = "a path like C:/x -- and a long—dash and x--y"
    assert parse_options(text, Knobs) == type(parse_options(text, Knobs))(text, {})


def test_set_pairs_and_written_flags_round_trip() -> None:
    given = validate_options(option_pairs(["steps=25", "negative=blurry, dark"]), Knobs)
    assert given == {"steps": 25, "negative": "blurry, dark"}
    assert parse_options("x " + options_text(given), Knobs).options == given
    with pytest.raises(OptionsError, match="NAME=VALUE"):
        option_pairs(["steps"])


class Tunable:
    """Echoes its options: a plugin with an options model."""

    manifest = Manifest(
        name="tune", title="Tune", description="echoes options",
        commands=(Command("tune", "echo options"),), options=Knobs,
    )  # fmt: skip

    def load(self, context: PluginContext) -> None:
        pass

    def unload(self) -> None:
        pass

    def run(self, request: Request, context: PluginContext) -> Iterator[Chunk]:
        yield TextDelta(f"{request.text}|{sorted(request.options.items())}")


@pytest.fixture
def assistant() -> Iterator[Assistant]:
    core = open_assistant(default_paths(), PluginRegistry([EchoPlugin(), Tunable()]))
    core.router.default = "echo"
    yield core
    core.store.close()


def _said(core: Assistant, turn) -> str:
    return "".join(c.text for c in core.execute(turn, CancelToken()) if isinstance(c, TextDelta))


def test_options_travel_in_the_request_and_stay_with_the_question(assistant: Assistant) -> None:
    conversation = assistant.store.create_conversation()
    turn = assistant.prepare(conversation, "/tune a fox --steps 25", options={"seed": "7"})
    assert _said(assistant, turn) == "a fox|[('seed', 7), ('steps', 25)]"
    question = assistant.store.message(turn.user_message_id)
    assert question is not None and question.meta["options"] == {"seed": "7"}
    again = assistant.regenerate(turn.reply_message_id)  # the same options, again
    assert _said(assistant, again) == "a fox|[('seed', 7), ('steps', 25)]"
    asked, text, options = assistant.options_of(turn.reply_message_id)
    assert (asked, text, options) == (turn.user_message_id, "/tune a fox", {"seed": 7, "steps": 25})
    edited = assistant.edit_and_resend(asked, text, {"seed": 8})
    assert _said(assistant, edited) == "a fox|[('seed', 8)]"


def test_a_bad_option_fails_the_answer_with_words_and_keeps_the_question(
    assistant: Assistant,
) -> None:
    conversation = assistant.store.create_conversation()
    turn = assistant.prepare(conversation, "/tune a fox --steps lots")
    with pytest.raises(PluginFailed, match="--steps cannot be 'lots'"):
        list(assistant.execute(turn, CancelToken()))
    reply = assistant.store.message(turn.reply_message_id)
    assert reply is not None and reply.status == "error" and "--steps" in reply.error
    assert assistant.store.message(turn.user_message_id) is not None


def test_a_plugin_without_options_gets_its_text_as_written(assistant: Assistant) -> None:
    conversation = assistant.store.create_conversation()
    turn = assistant.prepare(conversation, "hello --steps 5")
    assert turn.request.text == "hello --steps 5" and turn.request.options == {}
