"""Markdown rendering: code highlighted, raw HTML inert, only safe links live."""

from __future__ import annotations

from assistant.ui.markdown import settled_length, to_html


def test_code_blocks_are_highlighted_and_html_is_shown_as_text() -> None:
    html = to_html("```python\ndef f():\n    return 1\n```\n\n<script>alert(1)</script>")
    assert '<pre style="background-color' in html and "<span style=" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_only_safe_links_are_live() -> None:
    html = to_html(
        "[web](https://example.org) [act](action:regenerate/1) [file](file:///etc/hosts) "
        "![img](/etc/hosts) [js](javascript:alert(1))"
    )
    assert 'href="https://example.org"' in html
    for bad in ('href="action:', 'href="file:', 'src="/etc/hosts"', 'href="javascript:'):
        assert bad not in html


def test_settled_part_ends_at_finished_blocks_only() -> None:
    text = "para one\n\n```py\nx = 1\n\n```\nstill growing"
    assert text[: settled_length(text)] == "para one\n\n```py\nx = 1\n\n```\n"
    assert settled_length("no end yet") == 0
    assert settled_length("```py\nopen fence\n\n") == 0
