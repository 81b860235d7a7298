"""Answers that hold up: quoted rules, inline citations, only cited sources, honest "not
covered", streaming; with the real store and the real MiniLM over two real license texts."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from assistant.core.cancel import CancelToken
from assistant.core.messages import Chunk, HistoryMessage, Progress, Sources, TextDelta
from assistant.core.plugin import PluginContext
from plugins.rag.answer import history_messages, respond
from plugins.rag.knowledge import Knowledge
from plugins.rag.quoting import CitationFilter, is_yes_no, snippet
from plugins.rag.settings import RagSettings

DATA = Path(__file__).parent / "data"
NOTICE_QUESTION = "Under the Apache license, do I have to include a NOTICE file?"
MakeContext = Callable[..., PluginContext]


class StreamingChatModel:
    """A ChatModel (the real ``llm`` contract) that writes its answer word by word and,
    like a small model, forgets to cite; it notes when each word was asked for."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.messages: list[Mapping[str, str]] = []

    def sees_images(self) -> bool:
        return False

    def stream_chat(
        self,
        messages: Sequence[Mapping[str, str]],
        cancel: CancelToken,
        *,
        max_new_tokens: int = 512,
        temperature: float | None = None,
        progress: Callable[[str, float | None], None] | None = None,
        images: Sequence[Path] = (),
    ) -> Iterator[str]:
        self.messages = list(messages)
        for word in re.findall(r"\S+\s*", self.answer):
            cancel.raise_if_cancelled()
            yield word


@pytest.fixture(scope="module")
def licenses(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Knowledge]:
    """The Apache 2.0 and MPL 2.0 texts, indexed with the default settings."""
    root = tmp_path_factory.mktemp("licenses")
    knowledge = Knowledge.open(root / "index", embedder, RagSettings())
    report = knowledge.add([DATA / "LICENSE-APACHE-2.0.txt", DATA / "LICENSE-MPL-2.0.txt"])
    assert len(report.indexed) == 2 and not report.failed
    yield knowledge
    knowledge.close()


def _answer(
    question: str,
    knowledge: Knowledge,
    make_context: MakeContext,
    llm: Any = None,
    history: Sequence[dict[str, str]] = (),
) -> tuple[list[Chunk], str, Sources | None]:
    context = make_context(RagSettings(), services={"llm": llm} if llm else {})
    chunks = list(respond(question, knowledge, context, RagSettings(), history))
    text = "".join(c.text for c in chunks if isinstance(c, TextDelta))
    sources = next((c for c in chunks if isinstance(c, Sources)), None)
    return chunks, text, sources


def test_a_yes_no_question_about_a_rule_quotes_the_rule(
    licenses: Knowledge, make_context: MakeContext
) -> None:
    # Even with a model at hand that would answer "No.", the rule is quoted instead.
    wrong = StreamingChatModel("No, you do not have to include a NOTICE file.")
    _, text, sources = _answer(NOTICE_QUESTION, licenses, make_context, wrong)
    assert not text.lstrip().lower().startswith("no")
    assert "Your documents say" in text
    quote = re.search(r"^> (.+) \[(\d)\]$", text, re.MULTILINE)
    assert quote is not None, text
    assert "NOTICE" in quote.group(1) and "must include" in quote.group(1)
    assert wrong.messages == []  # the model was not asked
    assert sources is not None
    # Only the passage quoted is listed, under its own number, from the Apache text.
    assert [s.number for s in sources.items] == [int(quote.group(2))]
    cited = sources.items[0]
    assert cited.title == "LICENSE-APACHE-2.0.txt"
    assert " ".join(quote.group(1).split()[:6]) in " ".join(cited.passage.split())
    assert cited.section.startswith("4. Redistribution, line ")


def test_snippets_are_whole_words_with_an_ellipsis(
    licenses: Knowledge, make_context: MakeContext
) -> None:
    _, _, sources = _answer(NOTICE_QUESTION, licenses, make_context)
    assert sources is not None
    for source in sources.items:
        body = source.snippet.strip("…")
        words = set(re.findall(r"[\w-]+", " ".join(source.passage.split())))
        tokens = re.findall(r"[\w-]+", body)
        first, last = tokens[0], tokens[-1]
        assert first in words and last in words, source.snippet  # no word cut in two
        assert source.snippet.startswith("…") or source.passage.lstrip().startswith(body[:20])
        assert len(source.snippet) <= 230


def test_a_question_the_documents_do_not_cover_says_so(
    licenses: Knowledge, make_context: MakeContext
) -> None:
    question = "How many moons does Jupiter have?"
    _, text, sources = _answer(question, licenses, make_context, StreamingChatModel("79."))
    assert "don't cover this" in text and sources is None
    # Also right after a question they did cover: the earlier one does not rescue it.
    history = history_messages(
        [
            HistoryMessage("user", NOTICE_QUESTION, message_id=1),
            HistoryMessage("assistant", "Your documents say: > If the Work…", message_id=2),
        ]
    )
    _, text, sources = _answer(question, licenses, make_context, history=history)
    assert "don't cover this" in text and sources is None


def test_a_written_answer_streams_with_inline_citations_and_only_cited_sources(
    licenses: Knowledge, make_context: MakeContext
) -> None:
    model = StreamingChatModel(
        "Contributors grant a perpetual, worldwide, royalty-free patent license to make, "
        "use and sell the Work.\nThat is all."
    )
    chunks, text, sources = _answer(
        "What patent license do contributors grant?", licenses, make_context, model
    )
    pieces = [c for c in chunks if isinstance(c, TextDelta)]
    assert len(pieces) > 10  # word by word, not the whole answer at the end
    assert isinstance(chunks[0], Progress) and isinstance(chunks[-1], Sources)
    # The model forgot the citation; the sentence is plainly passage n's, so [n] is added.
    cited = re.findall(r"the Work \[(\d)\]\.", text)
    assert cited, text
    assert sources is not None
    assert [s.number for s in sources.items] == [int(cited[0])]
    assert "Grant of Patent License" in sources.items[0].passage


def test_the_citation_filter_keeps_what_it_cannot_attribute() -> None:
    passages = ["The rent is 950 euros per month, due on the first day of the month."]
    citations = CitationFilter(passages)
    shown = "".join(citations.feed(p) for p in ["The rent is 950 ", "euros per month.", " Hi 3.5."])
    shown += citations.finish()
    assert shown == "The rent is 950 euros per month [1]. Hi 3.5."
    chinese = CitationFilter(["租金是每月950欧元。"])
    assert chinese.feed("好的。") + chinese.finish() == "好的。"  # too few words to attribute


def test_yes_no_questions_are_told_from_others() -> None:
    assert is_yes_no(NOTICE_QUESTION)
    assert is_yes_no("Can I keep a cat?")
    assert is_yes_no("我可以养猫吗？")
    assert not is_yes_no("What is the refund policy?")
    assert not is_yes_no("根据我上传的文档，退货政策是什么？")


def test_snippet_cuts_between_words() -> None:
    text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron"
    cut = snippet(text, text.index("theta"), 30)
    assert cut.startswith("…") and cut.endswith("…")
    assert all(word in text.split() for word in cut.strip("…").split())
