"""Sentences to speak, cut from an answer while it streams.

An answer is Markdown. What is read aloud is its prose: code blocks are left out, markup
(emphasis, links, headings, list markers, table bars) is stripped, and every block
(a paragraph, a heading, a list item, a table row) ends a sentence. Inside a block a
sentence ends at ``.``, ``!`` or ``?`` followed by white space (not in "e.g." or "3.14",
nor after "Dr" or a single initial), or at ``。``, ``！`` or ``？`` (Chinese needs no space).
Asked to (``first_clause``), the answer's first sentence is cut after its first clause
when that is long enough to say on its own ("The capital of France is Paris," ...): a
voice can start on it while the rest of the sentence is still being written or spoken to
sound, and a long first sentence no longer keeps the person waiting for all of it.

:class:`SentenceSplitter` takes the answer in pieces as they stream and hands out each
sentence as soon as it is complete; whatever the pieces, it hands out the same sentences
as :func:`sentences` does for the whole text, and joined they give back :func:`speakable`.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_RULE = re.compile(r"^ {0,3}([-*_=])(?: *\1){2,} *$")
_MARKER = re.compile(r"^ {0,3}(?:#{1,6}(?= |$)|>|[-*+](?= )|\d{1,9}[.)](?= ))[ >]*")
_TABLE_SEPARATOR = re.compile(r"^ *\|?[ :|-]*-[ :|-]*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^>]*>")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_EMPHASIS = re.compile(r"\*+|~~|(?<!\w)_+|_+(?!\w)")
_SPACES = re.compile(r"\s+")
# A sentence ends after its terminators and any closing quotes or brackets.
_END = re.compile(
    r"[.!?]+[\"'”’)\]»]*(?=\s)"  # English: a space must follow
    r"|[。！？]+[”’」』）》\"']*(?=[^”’」』）》\"'。！？])"  # Chinese: anything but more of it
)
_ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "et.al",
        "vs",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "cf",
        "fig",
        "no",
        "approx",
        "esp",
        "resp",
        "ca",
    ]
)
# A clause ends at a comma, semicolon or colon (a space must follow in English: not 1,000).
_CLAUSE = re.compile(r"[,;:][\"'”’)\]»]*(?=\s)|[，；：、]")
_HAN = re.compile(r"[\u3400-\u9fff]")
FIRST_CLAUSE_LENGTH = 16  # characters (a Chinese one counts three): shorter is not cut off
# The word before a full stop: what follows the last space, Chinese character or mark.
_LAST_WORD = re.compile(r"[^\s\u3000-\u303f\u3400-\u9fff\uff00-\uffef]*\Z")
_MARKER_CHARS = "`~|#>-*+_=0123456789"
# Until a line's first characters are seen, it may still become a fence, a table row or a
# list item; below this many characters a line that starts like one is not read yet.
_UNDECIDED_LENGTH = 16


def speakable(markdown: str) -> str:
    """The words of *markdown* that are read aloud: one line per block, no markup, no code."""
    splitter = SentenceSplitter()
    splitter.feed(markdown)
    splitter.flush()
    return "\n".join(splitter.blocks)


def sentences(markdown: str, first_clause: bool = False) -> list[str]:
    """The sentences read aloud from *markdown*, in order (the first one cut after its
    first clause, if asked and it is long enough)."""
    splitter = SentenceSplitter(first_clause)
    return splitter.feed(markdown) + splitter.flush()


class SentenceSplitter:
    """Hands out the sentences of a streaming answer as soon as each one is complete;
    with *first_clause*, the first one's first clause as soon as it is (see the module)."""

    def __init__(self, first_clause: bool = False) -> None:
        self.first_clause = first_clause
        self._handed = 0  # sentences handed out so far
        self._pending = ""  # the unfinished last line
        self._block: list[str] = []  # the complete raw lines of the current prose block
        self._said = 0  # characters of the current block's plain text already handed out
        self._fence = ""  # the fence of the code block we are in, if any
        self.blocks: list[str] = []  # the plain text of each block that has ended

    def feed(self, text: str) -> list[str]:
        """Take the next piece of the answer; returns the sentences it completed."""
        out: list[str] = []
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        for line in lines:
            self._line(line, out)
        partial = _readable_partial(self._pending, self._fence)
        if partial is not None and _classify(partial, "") in ("start", "single"):
            self._end_block(out)  # the line starts a block of its own (a list item…)
        self._speak(out, partial)
        self._handed += len(out)
        return out

    def flush(self) -> list[str]:
        """The answer has ended: the sentences still waiting."""
        out: list[str] = []
        if self._pending:
            self._line(self._pending, out)
            self._pending = ""
        self._end_block(out)
        self._handed += len(out)
        return out

    def _line(self, line: str, out: list[str]) -> None:
        kind = _classify(line, self._fence)
        if kind == "fence":
            self._end_block(out)
            marker = _FENCE.match(line).group(1)  # type: ignore[union-attr]
            self._fence = "" if self._fence else marker
        elif kind in ("code", "blank", "rule"):
            self._end_block(out)
        elif kind in ("start", "single"):
            self._end_block(out)
            self._block = [line]
            if kind == "single":
                self._end_block(out)
        else:
            self._block.append(line)

    def _speak(self, out: list[str], partial: str | None) -> None:
        """Hand out the sentences of the current block that are complete and cannot change."""
        if partial is None:
            lines, text = self._block, _block_text(self._block)
        else:
            lines = [*self._block, _stable_part(partial)]
            text = _block_text(lines)
        self._said += self._hand_out(text[self._said :], out, whole=False)

    def _hand_out(self, text: str, out: list[str], whole: bool) -> int:
        """Hand out the sentences of *text* that are complete (all of it if *whole*); the
        characters that took."""
        start = 0
        for end in [*self._cuts(text, out), *([len(text)] if whole else [])]:
            _say(text[start:end], out)
            start = end
        return start

    def _cuts(self, text: str, out: list[str]) -> list[int]:
        """Where the sentences of *text* end (and the first clause, for the first one)."""
        ends = _ends(text)
        if self.first_clause and not self._handed and not out:
            clause = _first_clause_end(text, ends[0] if ends else len(text))
            if clause is not None:
                ends.insert(0, clause)
        return ends

    def _end_block(self, out: list[str]) -> None:
        if not self._block:
            return  # (sentences of an unfinished line that starts a block stay counted)
        plain = _block_text(self._block)
        self._hand_out(plain[self._said :], out, whole=True)
        if plain:
            self.blocks.append(plain)
        self._block, self._said = [], 0


def _say(piece: str, out: list[str]) -> None:
    sentence = piece.strip()
    if sentence:
        out.append(sentence)


def _ends(text: str) -> list[int]:
    """Where sentences end in *text* (offsets just after each end)."""
    ends = []
    for match in _END.finditer(text):
        if match.group()[0] == "." and _abbreviated(text, match.start()):
            continue
        ends.append(match.end())
    return ends


def _first_clause_end(text: str, before: int) -> int | None:
    """Where the first clause of *text* long enough to say alone ends, if before *before*."""
    for match in _CLAUSE.finditer(text, 0, before):
        clause = text[: match.start()].strip()
        if len(clause) + 2 * len(_HAN.findall(clause)) >= FIRST_CLAUSE_LENGTH:
            return match.end()
    return None


def _abbreviated(text: str, dot: int) -> bool:
    """Whether the full stop at *dot* closes an abbreviation or an initial, not a sentence."""
    match = _LAST_WORD.search(text, 0, dot)
    word = (match.group() if match else "").lstrip("([\"'“‘").lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _classify(line: str, fence: str) -> str:
    """What a complete line is: fence, code, blank, rule, start (of a block), single (a
    block of its own: a heading, a table row) or more (of the block before it)."""
    if fence:
        match = _FENCE.match(line)
        closes = match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence)
        return "fence" if closes and not line.strip().strip(fence[0]) else "code"
    if _FENCE.match(line):
        return "fence"
    if not line.strip():
        return "blank"
    if _RULE.match(line) or (_TABLE_SEPARATOR.match(line) and "|" in line):
        return "rule"
    if (line.lstrip().startswith(("#", "|")) and _MARKER.match(line)) or "|" in line[:4]:
        return "single"
    if _MARKER.match(line):
        return "start"
    return "more"


def _readable_partial(line: str, fence: str) -> str | None:
    """The unfinished last line, when what kind of line it is can be told already."""
    if fence or not line.strip():
        return None
    head = line.lstrip()
    if head[0] in _MARKER_CHARS and len(line) < _UNDECIDED_LENGTH:
        return None
    if head[0] in "`~|" or _RULE.match(line) or _FENCE.match(line):
        return None  # a fence, a table row or a rule: read when the line is complete
    return line


def _block_text(lines: list[str]) -> str:
    """The plain text of one block's raw lines: soft line breaks become spaces."""
    return " ".join(_line_text(line) for line in lines).strip()


def _line_text(line: str) -> str:
    line = _MARKER.sub("", line, count=1)
    if line.lstrip().startswith("|"):
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        line = ", ".join(cell for cell in cells if cell)
    line = _IMAGE.sub("", line)
    line = _LINK.sub(r"\1", line)
    line = _AUTOLINK.sub("", line)
    line = _TAG.sub("", line)
    line = line.replace("`", "")
    line = _EMPHASIS.sub("", line)
    return _SPACES.sub(" ", line).strip()


def _stable_part(line: str) -> str:
    """The start of an unfinished line whose plain text cannot change as the line grows: up
    to the first link or tag still open, without an underscore or tilde that may yet turn
    out to be emphasis."""
    cut = len(line)
    for start in (m.start() for m in re.finditer(r"\[", line)):
        close = line.find("]", start)
        if close < 0 or (line.startswith("(", close + 1) and line.find(")", close) < 0):
            cut = start
            break
        if close == len(line) - 1:
            cut = start  # a link's address may follow
            break
    tag = line.rfind("<")
    if tag >= 0 and line.find(">", tag) < 0:
        cut = min(cut, tag)
    return line[:cut].rstrip("_~!")
