"""Sentences cut from answers while they stream: the same whatever the pieces, nothing lost
but the markup and the code, no cut inside "e.g." or "3.14"."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.core.sentences import SentenceSplitter, sentences, speakable

ANSWER = """# Getting started

Install it first, e.g. with pip. Pi is about 3.14 and **e** is 2.718! Is that *all*?
Dr. Smith wrote [the guide](https://example.com/guide) in 2024. It helps.

```python
print("Never read. Not this. Nor this!")
```

- First item. It has two sentences.
- Second item with `inline.code` in it
1. Numbered one.
2. Numbered two

| Name | Value |
|------|-------|
| pi   | 3.14  |

你好。今天天气很好！你呢？我很好。
> A quote. Ends here.
Last words without a full stop"""

PIECES = [
    "Hello there. ", "This is e.g. fine. ", "Pi is 3.14 today. ", "**Bold** words! ",
    "Why? ", "\n\n", "\n", "```\ncode. here. \n```\n", "- item one. ", "1. step. ",
    "# Title\n", "[a link](http://x.y/z) ok. ", "你好。", "很好！", "真的吗？", "`os.path` is. ",
    "Mr. Brown came. ", "| a | b |\n", "|---|---|\n", "> quoted. ", "snake_case_name. ",
    "_under_ and *star*. ", "done", "A. B. Smith. ", "<b>tag</b> here. ", "3. ", "Wait... ",
    "Well, the first clause of this one is long, and then more. ", "Yes, 1,000 of them: ",
    "这个问题其实很有意思，", "[the guide, a link](http://x.y/z), then ", "Sure; ",
]  # fmt: skip


def _streamed(text: str, cuts: list[int], first_clause: bool = False) -> list[str]:
    splitter = SentenceSplitter(first_clause)
    out: list[str] = []
    start = 0
    for cut in sorted({min(c, len(text)) for c in cuts}):
        out += splitter.feed(text[start:cut])
        start = cut
    out += splitter.feed(text[start:])
    return out + splitter.flush()


def test_an_answer_is_cut_into_the_sentences_a_person_would_read() -> None:
    assert sentences(ANSWER) == [
        "Getting started",
        "Install it first, e.g. with pip.",
        "Pi is about 3.14 and e is 2.718!",
        "Is that all?",
        "Dr. Smith wrote the guide in 2024.",
        "It helps.",
        "First item.",
        "It has two sentences.",
        "Second item with inline.code in it",
        "Numbered one.",
        "Numbered two",
        "Name, Value",
        "pi, 3.14",
        "你好。",
        "今天天气很好！",
        "你呢？",
        "我很好。",
        "A quote.",
        "Ends here.",
        "Last words without a full stop",
    ]


def test_code_blocks_are_never_read() -> None:
    assert "Never" not in speakable(ANSWER)
    assert "print" not in " ".join(sentences(ANSWER))


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(st.sampled_from(PIECES), min_size=1, max_size=14),
    cuts=st.lists(st.integers(0, 400), max_size=25),
    first_clause=st.booleans(),
)
def test_whatever_the_pieces_streaming_gives_the_sentences_of_the_whole(
    parts: list[str], cuts: list[int], first_clause: bool
) -> None:
    text = "".join(parts)
    whole = sentences(text, first_clause)
    assert _streamed(text, cuts, first_clause) == whole
    # Joined, the sentences are the text without its markup and code (spaces aside: none
    # is needed after "。").
    assert re.sub(r"\s", "", "".join(whole)) == re.sub(r"\s", "", speakable(text))
    for first in whole:
        assert not re.search(r"(?<!\w)(e\.g\.|Mr\.|Dr\.)$", first), first
    assert sum(s.count("3.14") for s in whole) == speakable(text).count("3.14")


def test_a_sentence_is_handed_out_as_soon_as_the_next_one_begins() -> None:
    splitter = SentenceSplitter()
    assert splitter.feed("The first sentence") == []
    assert splitter.feed(" ends here.") == []  # it may still be "here.com"
    assert splitter.feed(" The") == ["The first sentence ends here."]
    assert splitter.feed(" second one, e.g. this") == []
    assert splitter.feed("。") == []
    assert splitter.flush() == ["The second one, e.g. this。"]


def test_a_long_first_sentence_is_spoken_from_its_first_clause() -> None:
    """A voice can start on the first clause while the rest is written; only the first
    sentence is cut, and only after a clause long enough to say on its own."""
    splitter = SentenceSplitter(first_clause=True)
    assert splitter.feed("The capital of France is Paris,") == []  # (it may be "Paris,5")
    assert splitter.feed(" a city on the Seine, with") == ["The capital of France is Paris,"]
    assert splitter.feed(" two million people. Then, more") == [
        "a city on the Seine, with two million people."
    ]
    assert splitter.flush() == ["Then, more"]
    assert sentences("Yes, it is. Sure.", first_clause=True) == ["Yes, it is.", "Sure."]
    assert sentences("In 1,000 years: nothing.", first_clause=True) == [
        "In 1,000 years: nothing."
    ]  # (too short before its colon)
    assert sentences("这个问题其实很有意思，我们来看。", first_clause=True) == [
        "这个问题其实很有意思，",
        "我们来看。",
    ]


def test_chinese_sentences_need_no_space() -> None:
    splitter = SentenceSplitter()
    assert splitter.feed("你好。我") == ["你好。"]
    assert splitter.feed("很好！”她说") == ["我很好！”"]


def test_an_abbreviation_right_after_chinese_is_not_a_sentence_end() -> None:
    """A "Mr." just after a Chinese comma ended a sentence when read whole (its word was taken
    to start at the last space), and not when streamed (found by the invariant above)."""
    text = "这个问题其实很有意思，Mr. Brown came. "
    assert sentences(text) == ["这个问题其实很有意思，Mr. Brown came."]
    assert sentences(text, first_clause=True) == ["这个问题其实很有意思，", "Mr. Brown came."]
    assert sentences("很有意思Dr. Wu said so.") == ["很有意思Dr. Wu said so."]
