"""The summary check: degenerate summaries caught, the person's facts kept in their words."""

from __future__ import annotations

import pytest

from plugins.chat.memory import Turn
from plugins.chat.summary_guard import (
    asks_back,
    checked_summary,
    degeneracy,
    extractive_summary,
    fact_sentences,
    key_terms,
    repeated_sentence,
)

ADA = "My name is Ada and I keep three goats named Pip, Pod and Pea."
# What SmolLM2-135M wrote as the summary of Ada's conversation (issue 10), seven times over.
SEVEN_TIMES = "Powder, I will not help you with your three-goose family. " * 7


def turns(*said: str) -> list[Turn]:
    return [Turn(i + 1, "user" if i % 2 == 0 else "assistant", text) for i, text in enumerate(said)]


def roomy(_: str) -> bool:
    return True


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (SEVEN_TIMES, "repeats itself"),
        ("Ada keeps goats.\nAda keeps goats.", "repeats itself"),
        ("- The user is Ada.\n- the user is ada!", "repeats itself"),
        (
            "The user Ada keeps three goats named Pip. User Ada keeps three goats named Pip, Pod.",
            "repeats itself",
        ),
        ("Ada has goats goats goats goats.", "repeats"),
        ("She is Ada and she is Ada and she is Ada and more.", "repeats"),
        ("Summary so far: (nothing yet). New part of the conversation: hi", "instructions"),
        ("#### $$$ 1234 %%% ^^^ 99 &&&", "not language"),
        ("a" * 60, "not language"),
        ("", "empty"),
        ("  \n ... ", "empty"),
    ],
)
def test_degenerate_summaries_are_caught(text: str, why: str) -> None:
    assert why in degeneracy(text)


def test_a_sound_summary_passes() -> None:
    assert degeneracy("The user is Ada. She keeps three goats: Pip, Pod and Pea.") == ""
    assert degeneracy("用户叫阿达。她养了三只山羊。") == ""


def test_repeated_sentences_are_compared_word_for_word() -> None:
    assert repeated_sentence(SEVEN_TIMES).startswith("Powder, I will not help")
    assert repeated_sentence("Ada keeps goats. Ada keeps three goats.") == ""
    assert repeated_sentence("用户叫阿达。用户叫阿达。") == "用户叫阿达。"


def test_names_and_numbers_are_the_key_terms() -> None:
    assert key_terms(ADA) == {"ada", "three", "pip", "pod", "pea"}
    assert key_terms("Please remember the meeting is on Friday at 10:30.") == {"friday", "10:30"}
    assert key_terms("hello there, how are you?") == set()


def test_fact_sentences_leave_out_questions_and_small_talk() -> None:
    text = f"Hi there! {ADA} What do goats eat? I prefer tea to coffee"
    assert fact_sentences(text) == [ADA, "I prefer tea to coffee."]


def test_the_summary_of_issue_10_is_replaced_by_adas_own_words() -> None:
    checked = checked_summary(SEVEN_TIMES, "", turns(ADA, "Nice to meet you, Ada!"), roomy)
    assert checked.text == ADA
    assert "repeats itself" in checked.replaced_because


def test_a_model_summary_that_keeps_the_facts_is_kept() -> None:
    written = "The user, Ada, keeps three goats called Pip, Pod and Pea."
    checked = checked_summary(written, "", turns(ADA, "Lovely!"), roomy)
    assert (checked.text, checked.replaced_because) == (written, "")


def test_a_summary_that_drops_a_name_or_a_preference_is_replaced() -> None:
    lost_name = checked_summary("Ada keeps three goats, Pip and Pod.", "", turns(ADA), roomy)
    assert lost_name.replaced_because == "it left out pea"
    preference = "I prefer tea to coffee and I am allergic to peanuts."
    vague = checked_summary("The user likes drinks.", "", turns(preference), roomy)
    assert vague.text == preference
    assert "left out" in vague.replaced_because


def test_facts_of_the_previous_summary_must_survive_the_next_one() -> None:
    previous = ADA
    later = turns("I live in Lisbon.", "Nice city.")
    checked = checked_summary("The user lives in Lisbon.", previous, later, roomy)
    assert checked.text == f"{ADA} I live in Lisbon."
    assert "ada" in checked.replaced_because


def test_the_extractive_summary_says_each_sentence_once_and_fits() -> None:
    said = turns(ADA, "Hello Ada.", ADA, "Yes.", "I live in Lisbon.", "OK.")
    assert extractive_summary("", said, roomy) == f"{ADA} I live in Lisbon."
    # A model's earlier summary stays as it was written; the new sentences follow it.
    earlier = "Known facts: FACT-ZEBRA42."
    assert extractive_summary(earlier, turns("I live in Lisbon."), roomy) == (
        f"{earlier} I live in Lisbon."
    )
    # Too long: a sentence whose names are said elsewhere goes first, then what states least.
    repeated_names = turns("Ada lives in Lisbon.", "", "Ada and Lisbon, again: I am Ada in Lisbon.")
    short = extractive_summary("", repeated_names, lambda text: len(text) < 50)
    assert short == "Ada and Lisbon, again: I am Ada in Lisbon."
    filler = turns(ADA, "", "Room 194 is on the left.", "", "I live in Lisbon.")
    shorter = extractive_summary("", filler, lambda text: len(text) < 100)
    assert shorter == f"{ADA} I live in Lisbon."


def test_requests_are_not_facts() -> None:
    assert fact_sentences("Tell me something short about the number 2, please.") == []
    assert fact_sentences("Please write a poem about Paris.") == []
    assert fact_sentences("Please remember that my code is 42.") == [
        "Please remember that my code is 42."
    ]


def test_a_question_about_what_the_person_said_is_told_apart() -> None:
    assert asks_back("What is my name and what are my goats called?", ADA)
    assert asks_back("How many goats do I have?", ADA)
    assert not asks_back("What do goats like to eat?", ADA)  # about goats, not about theirs
    assert not asks_back("Where do I live?", ADA)  # nothing of it in the summary
