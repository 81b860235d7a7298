"""What streams is what reloads: an answer streamed into the real view in any pieces, with
the view drawing at any moment in between, shows exactly what the same answer shows when
it is loaded from the store. This is the test that catches paragraphs glued onto code."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from assistant.core.engine import _ReplyRecorder
from assistant.core.messages import Chunk, ImageOut, Notice, Source, Sources, TextDelta
from assistant.core.store import Store
from assistant.ui.message_view import MessageView

LONG_LINE = "x = [" + ", ".join(str(n) for n in range(400)) + "]"

ANSWERS = [
    "Plain words.",
    "# Heading\nText right under it.",
    "Title\n=====\n\nSetext heading, then text.",
    "Sub\n---\nand text",
    "Here:\n\n```python\ndef f():\n    return 1\n```\nThe paragraph after the code.",
    "```\nno language\n```\n\n```js\nconsole.log(1)\n```\nafter",
    "~~~rust\nfn main() {}\n~~~\nTilde fences too.",
    "Unclosed fence at the end:\n\n```python\nprint('still writing'",
    "- one\n- two\n  - nested\n    - deeper\n- three\n\nAfter the list.",
    "6. six\n7. seven\n\n   continued in item seven\n8. eight",
    "1. a\n\n2. b (a loose list)\n\n3. c",
    "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n\nTable, then text.",
    "> quoted\n> more\n\nnot quoted",
    "Text\n\n---\n\nAfter a rule.",
    "Inline `code` and ``double `tick` code``.",
    "**bold** and *italic* and ~~struck~~ and [a link](https://example.com).",
    "<b>not bold</b> <script>alert(1)</script> &amp; &lt;tag&gt;",
    "中文回答：这是第一段。\n\n第二段，包含`代码`和**粗体**。",
    "混合 English 和中文，一行很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长。",
    f"A long line of code:\n\n```python\n{LONG_LINE}\n```\n",
    f"A long line of prose: {'word ' * 400}",
    "Line one  \nline two with a hard break.",
    "Windows\r\nline\r\nendings\r\n\r\nparagraph",
    "\tTabbed\n\n    indented code block\n    second line\n\nafter",
    "Lazy\ncontinuation\nof a paragraph",
    "A paragraph\n- that turns into a list",
    "```python\n# a fence containing a fake fence\ns = '```'\n```\nafter",
    "Emoji-free symbols: → ← ✓ ± ° …",
    "",
    "   \n\n   ",
    "[ref link][r]\n\n[r]: https://example.com",
    "### H3\n#### H4\n##### H5\ntext",
]

# Answers with parts other than text between their words.
PICTURE = "picture"
MIXED = [
    [TextDelta("Before the notice.\n\n1. item\n"), Notice("A notice in the middle."),
     TextDelta("After the notice.")],
    [Notice("Said first.", "warning"), TextDelta("Then text.")],
    [TextDelta("A picture:\n\n"), PICTURE, TextDelta("and words after it.")],
    [PICTURE, PICTURE, TextDelta("Two pictures, one grid.")],
    [TextDelta("Answer with sources [1]."),
     Sources((Source("notes.md", "/tmp/notes.md", None, "a snippet"),))],
]  # fmt: skip


@pytest.fixture
def picture(tmp_path: Path) -> Path:
    path = tmp_path / "picture.png"
    Image.new("RGB", (64, 48), (10, 120, 200)).save(path)
    return path


@pytest.fixture
def view(qtbot) -> MessageView:
    shown = MessageView()
    shown.resize(700, 600)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def _pieces(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c % (len(text) + 1) for c in cuts} | {0, len(text)})
    return [text[a:b] for a, b in itertools.pairwise(points) if b > a]


def _stream(view: MessageView, store: Store, chunks: list[Chunk], draws: set[int]) -> int:
    """Stream *chunks* into the view as the window does, storing them as the engine does;
    the view draws after the chunks numbered in *draws*. Returns the reply's id."""
    conversation = store.create_conversation()
    store.add_message(conversation, "user", "question")
    reply = store.add_message(conversation, "assistant", plugin="chat", status="streaming")
    recorder = _ReplyRecorder(store, reply)
    view.start_reply(reply, "chat", "default")
    for number, chunk in enumerate(chunks):
        recorder.add(chunk)
        view.add_chunk(reply, chunk)
        if number in draws:
            view._flush()  # a frame passes mid-stream
    recorder.finish("done")
    view.finish_reply(reply, "done")
    return reply


def _reloaded(store: Store, reply: int, qtbot) -> tuple:
    again = MessageView()
    qtbot.addWidget(again)
    message = store.message(reply)
    assert message is not None
    again.show_conversation([message], has_more=False)
    return again.rendered(reply)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cuts=st.lists(st.integers(min_value=0, max_value=5000), max_size=40),
       draws=st.sets(st.integers(min_value=0, max_value=40), max_size=20))  # fmt: skip
@pytest.mark.parametrize("answer", ANSWERS, ids=range(len(ANSWERS)))
def test_a_streamed_answer_shows_what_it_shows_reloaded(
    answer: str, cuts: list[int], draws: set[int], view: MessageView, tmp_path: Path, qtbot
) -> None:
    store = Store(tmp_path / f"live-{len(cuts)}-{len(draws)}.sqlite3")
    try:
        chunks: list[Chunk] = [TextDelta(p) for p in _pieces(answer, cuts)]
        reply = _stream(view, store, chunks, draws)
        live = view.rendered(reply)
        assert live == _reloaded(store, reply, qtbot)
        assert view.streamed_text(reply) == answer
    finally:
        store.close()


@pytest.mark.parametrize("parts", MIXED, ids=range(len(MIXED)))
def test_notices_pictures_and_sources_keep_their_place(
    parts: list, view: MessageView, picture: Path, tmp_path: Path, qtbot
) -> None:
    store = Store(tmp_path / "mixed.sqlite3")
    try:
        chunks = [ImageOut(picture) if p == PICTURE else p for p in parts]
        reply = _stream(view, store, chunks, draws={0, 1, 2})
        live = view.rendered(reply)
        assert live == _reloaded(store, reply, qtbot)
        kinds = [part[0] for part in live]
        expected = [
            "images" if isinstance(c, ImageOut) else "notice" if isinstance(c, Notice)
            else "sources" if isinstance(c, Sources) else "text"
            for c in chunks
        ]  # fmt: skip
        collapsed = [k for i, k in enumerate(expected) if i == 0 or k != expected[i - 1]]
        assert kinds == collapsed  # in the order they streamed, each in its own box
    finally:
        store.close()


def test_code_is_never_glued_to_the_paragraph_after_it(view: MessageView, tmp_path: Path) -> None:
    store = Store(tmp_path / "glue.sqlite3")
    try:
        answer = ANSWERS[4]
        reply = _stream(view, store, [TextDelta(c) for c in answer], draws=set(range(200)))
        ((kind, blocks),) = view.rendered(reply)
        assert kind == "text"
        assert [b[0] for b in blocks] == ["prose", "code", "prose"]
        assert blocks[1][2] == "def f():\n    return 1\n"
        assert "paragraph after the code" in blocks[2][1]
    finally:
        store.close()


def test_a_long_code_line_scrolls_inside_its_block(
    view: MessageView, tmp_path: Path, qtbot
) -> None:
    from assistant.ui.message_parts import CodeBlock

    store = Store(tmp_path / "long.sqlite3")
    try:
        reply = _stream(view, store, [TextDelta(ANSWERS[19])], draws=set())
        widget = view.widget_of(reply)
        assert widget is not None
        [code] = widget.findChildren(CodeBlock)
        # laid out by Qt's posted events: the block scrolls
        qtbot.waitUntil(lambda: code.scroller.horizontalScrollBar().maximum() > 0, timeout=5000)
        assert view.horizontalScrollBar().maximum() == 0  # the conversation does not
        assert view.widget().width() <= view.viewport().width()
    finally:
        store.close()


@settings(max_examples=40, deadline=None)
@given(answer=st.sampled_from(ANSWERS), cuts=st.lists(st.integers(0, 5000), max_size=30))
def test_while_it_streams_each_frame_shows_the_blocks_of_the_text_so_far(
    answer: str, cuts: list[int]
) -> None:
    from assistant.ui.markdown import StreamedBlocks, blocks

    streamed = StreamedBlocks()
    so_far = ""
    for piece in _pieces(answer, cuts):
        so_far += piece
        assert streamed.update(so_far) == blocks(so_far), so_far


@pytest.mark.parametrize("cut", ["words", "characters"])
def test_pieces_that_only_lengthen_a_line_give_the_blocks_of_the_text_so_far(cut: str) -> None:
    """A stream comes a word at a time; most words only lengthen the last line, and are
    taken without parsing (StreamedBlocks._grown_in_place): what it gives must still be
    exactly what parsing gives."""
    import re

    from assistant.ui.markdown import StreamedBlocks, blocks

    taken = parsed = 0
    for answer in ANSWERS:
        streamed = StreamedBlocks()
        so_far = ""
        pieces = re.findall(r"\S*\s*", answer) if cut == "words" else list(answer)
        for piece in filter(None, pieces):
            so_far += piece
            if streamed._grown_in_place(so_far) is None:
                parsed += 1
            else:
                taken += 1
            assert streamed.update(so_far) == blocks(so_far), so_far
    assert taken > parsed  # most pieces, as in a real stream


def test_a_sound_gets_a_player_that_says_why_it_cannot_play_here(
    view: MessageView, tmp_path: Path, qtbot
) -> None:
    import wave

    from assistant.core.messages import AudioOut
    from assistant.ui.audio_player import AudioPlayer

    sound = tmp_path / "answer.wav"
    with wave.open(str(sound), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\0\0" * 16000 * 3)
    store = Store(tmp_path / "sound.sqlite3")
    try:
        reply = _stream(view, store, [TextDelta("Listen:"), AudioOut(sound, "answer")], set())
        assert view.rendered(reply) == _reloaded(store, reply, qtbot)
        [player] = view.widget_of(reply).findChildren(AudioPlayer)
        assert player.time.text() == "0:00 / 0:03"
        assert not player.play_button.isEnabled()  # no sound output on this machine
        assert "no sound output" in player.play_button.toolTip()
    finally:
        store.close()


class _FakeOutput:
    """An AudioOutput that plays nothing, at once, so the controls can be driven."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self._playing = False

    def play(self, path: Path, start_s: float = 0.0) -> None:
        self.calls.append(("play", path.name, start_s))
        self._playing = True

    def pause(self) -> None:
        self.calls.append(("pause",))
        self._playing = False

    def stop(self) -> None:
        self.calls.append(("stop",))
        self._playing = False

    def set_speed(self, rate: float) -> None:
        self.calls.append(("speed", rate))

    def position_s(self) -> float:
        return 1.5

    def playing(self) -> bool:
        return self._playing


def test_play_pause_and_seek_go_to_the_audio_output(view: MessageView, tmp_path: Path, qtbot):
    import wave

    from PySide6.QtCore import Qt

    from assistant.core.messages import AudioOut
    from assistant.ui.audio_player import AudioPlayer

    sound = tmp_path / "a.wav"
    with wave.open(str(sound), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 8000 * 4)
    output = _FakeOutput()
    view.signals.audio = output
    view.start_reply(7, "tts", "read aloud")
    view.add_chunk(7, AudioOut(sound))
    [player] = view.widget_of(7).findChildren(AudioPlayer)
    qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: player.time.text() == "0:01 / 0:04", timeout=3000)
    qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)
    assert output.calls == [("speed", 1.0), ("play", "a.wav", 0.0), ("pause",)]
    output.calls.clear()
    qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)
    player.speed.setCurrentIndex(player.speed.findData(1.5))  # while it plays: at once
    qtbot.mouseClick(player.stop_button, Qt.MouseButton.LeftButton)
    assert output.calls[1:] == [("play", "a.wav", 1.5), ("speed", 1.5), ("stop",)]
    assert player.time.text() == "0:00 / 0:04" and player.play_button.text() == "Play"


def test_an_answer_that_ends_inside_its_code_block_shows_it_in_colour(
    view: MessageView, tmp_path: Path, qtbot
) -> None:
    store = Store(tmp_path / "unclosed.sqlite3")
    try:
        answer = "Here it is:\n\n```python\ndef reverse(s):\n    return s[::-1]\n"  # no fence
        reply = _stream(view, store, [TextDelta(w + " ") for w in answer.split(" ")], {1, 3})
        ((_, blocks),) = view.rendered(reply)
        kind, language, code, shown = blocks[-1]
        assert (kind, language) == ("code", "python") and code.startswith("def reverse(s):")
        assert "<span" in shown  # highlighted, as any finished code block
        assert view.rendered(reply) == _reloaded(store, reply, qtbot)
    finally:
        store.close()
