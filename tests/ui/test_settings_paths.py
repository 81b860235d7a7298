"""Every "Settings → Page → Label" the app says names a page and a label the settings
dialog really has: collected from the source (every string literal) and from the notices
that build their path from a field."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from assistant.core.messages import Route
from assistant.core.router import MISSING_DEFAULT, missing_default_notice
from assistant.ui.dialogs import SettingsDialog
from plugins.chat import ChatPlugin
from plugins.imagegen import ImageGenPlugin
from plugins.rag import RagPlugin
from plugins.transcribe import TranscribePlugin
from plugins.tts import TtsPlugin
from plugins.vision import VisionPlugin
from plugins.vision.hub import missing_message
from plugins.vision.missing import ROLES

ROOT = Path(__file__).resolve().parents[2]
HELPER = ROOT / "assistant" / "core" / "setting_fields.py"
ARROW = "Settings →"
PATH = re.compile(r"Settings → ([^→.,;\n]+?)(?: → ([^→.,;\n]+?))?(?=[.,;\n]|$)")


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstrings in *tree*: written for programmers, not said to a person."""
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _literals(tree: ast.AST) -> Iterator[tuple[int, str, bool]]:
    """Each string literal but docstrings, with its line and whether it is part of an
    f-string."""
    in_fstring = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    skipped = _docstrings(tree)
    for node in ast.walk(tree):
        text = node.value if isinstance(node, ast.Constant) else None
        if isinstance(text, str) and id(node) not in skipped:
            yield node.lineno, text, id(node) in in_fstring


def paths_in_source() -> dict[str, str]:
    """Every settings path written in the app's and plugins' code, with where it is."""
    found: dict[str, str] = {}
    for folder in ("assistant", "plugins"):
        for file in sorted((ROOT / folder).rglob("*.py")):
            if file == HELPER:
                continue  # builds the paths the notices say, checked below
            tree = ast.parse(file.read_text(encoding="utf-8"))
            for line, text, in_fstring in _literals(tree):
                if ARROW not in text:
                    continue
                where = f"{file.relative_to(ROOT)}:{line}"
                # A path a placeholder finishes cannot be checked here: build it with
                # setting_fields.settings_path, which takes the label from the field.
                assert not (in_fstring and text.rstrip().endswith("→")), where
                for match in PATH.finditer(text):
                    found[match.group(0)] = where
    return found


def paths_in_notices() -> dict[str, str]:
    """The paths the notices that name a field build (every field they may name)."""
    said = [missing_message("Detection", "owner/model", role.field) for role in ROLES.values()]
    said += [missing_message("Detection", "/no/such/folder", "detector_model")]
    notice = missing_default_notice(Route("chat", "", "", extra={MISSING_DEFAULT: "banana"}))
    assert notice is not None
    said.append(notice.text)
    return {m.group(0): text for text in said for m in PATH.finditer(text)}


def test_every_settings_path_the_app_names_is_in_the_dialog(qtbot, open_window) -> None:
    window = open_window(
        ChatPlugin(), RagPlugin(), VisionPlugin(), ImageGenPlugin(), TranscribePlugin(), TtsPlugin()
    )
    dialog = SettingsDialog(window)
    qtbot.addWidget(dialog)
    pages = {
        dialog.tabs.tabText(i): {label.text() for label in form.labels.values()}
        for i, form in enumerate(dialog.forms)
    }
    named = {**paths_in_source(), **paths_in_notices()}
    # The scan finds what it should: the static ones and one per vision model at least.
    assert "Settings → Chat" in named
    assert "Settings → Vision → Detector model" in named
    assert "Settings → General → Default plugin" in named
    for path, where in named.items():
        match = PATH.fullmatch(path)
        assert match is not None
        page, label = match.group(1), match.group(2)
        assert page in pages, f"{where}: there is no {page!r} page in Settings ({path})"
        if label:
            assert label in pages[page], f"{where}: {page} has no {label!r} ({path})"
