"""Hybrid retrieval: vector search and BM25 keyword search, fused by reciprocal rank.

Vectors find paraphrases ("automobile" for "car"); keywords find exact rare terms (a part
number, a name) that an embedding blurs. Reciprocal rank fusion (Cormack et al., 2009)
merges the two ranked lists without having to calibrate their scores against each other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from plugins.rag.embedder import Embedder
from plugins.rag.store import StoredChunk, VectorIndex

RRF_K = 60  # the constant of the original paper; damps the weight of the very first ranks
CANDIDATES = 30  # each search's list length before fusion

_STOPWORD_TEXT = """
    a an and are as at be but by can could did do does for from had has have how i if in
    into is it its me my of on or our say says said should so than that the their them then
    there these they this those to was we were what when where which who whom why will with
    would you your about according"""
# Words that, in a question, point at the documents themselves ("what do my notes say"):
# no help in finding a passage, though a sentence about "a NOTICE file" needs "file".
_DOCUMENT_WORDS = """tell find show give summarise summarize document documents doc docs file
    files note notes mention mentions"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split()) | frozenset(_DOCUMENT_WORDS.split())
_PLAIN_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrieved passage, with its similarity to the question and how it was found."""

    chunk: StoredChunk
    similarity: float  # cosine similarity of its vector to the question's
    exact: bool  # every content word of the question is in it


@dataclass(frozen=True, slots=True)
class Retrieval:
    """The passages for a question, best first, and whether any of them is a real match."""

    passages: tuple[Passage, ...]
    strong: bool


def content_terms(text: str, *, document_words: bool = False) -> list[str]:
    """The words of a question worth searching for: no stop words, each once; with
    *document_words*, words such as "file" and "notes" are kept."""
    stop = _PLAIN_STOPWORDS if document_words else _STOPWORDS
    seen: dict[str, None] = {}
    for word in re.findall(r"\w+", text.lower()):
        if word not in stop:
            seen.setdefault(word, None)
    return list(seen)


def fuse(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> list[int]:
    """Reciprocal rank fusion of ranked id lists: score(d) = Σ 1 / (k + rank)."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores, key=lambda item: -scores[item])


class Retriever:
    """Finds the passages that answer a question, in a :class:`VectorIndex`."""

    def __init__(self, index: VectorIndex, embedder: Embedder) -> None:
        self.index = index
        self.embedder = embedder

    def retrieve(self, question: str, top_k: int, min_similarity: float) -> Retrieval:
        """The *top_k* best passages; *strong* when one is similar enough or matches exactly."""
        vector = self.embedder.embed([question])[0]
        by_vector = self.index.vector_search(vector, CANDIDATES)
        terms = content_terms(question)
        exact = self.index.keyword_search(terms, CANDIDATES, match_all=True)
        exact_ids = {hit.chunk_id for hit in exact}
        by_keyword = [hit.chunk_id for hit in exact]
        if len(exact) < CANDIDATES:
            loose = self.index.keyword_search(terms, CANDIDATES, match_all=False)
            by_keyword += [hit.chunk_id for hit in loose if hit.chunk_id not in exact_ids]
        # Passages holding every content word get a third vote: a name or a code asked for
        # verbatim is the strongest evidence there is.
        rankings = [[hit.chunk_id for hit in by_vector], by_keyword, [h.chunk_id for h in exact]]
        chosen = fuse(rankings)[:top_k]
        similarity = {hit.chunk_id: hit.score for hit in by_vector}
        missing = [i for i in chosen if i not in similarity]
        similarity.update(self.index.similarities(vector, missing))
        chunks = self.index.chunks(chosen)
        passages = tuple(
            Passage(chunks[i], similarity.get(i, 0.0), i in exact_ids)
            for i in chosen
            if i in chunks
        )
        strong = any(p.similarity >= min_similarity or p.exact for p in passages)
        return Retrieval(passages, strong)
