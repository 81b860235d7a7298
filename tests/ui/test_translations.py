"""The Simplified Chinese translation: complete, compiled from the current .ts, and loaded."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

I18N = Path(__file__).resolve().parents[2] / "resources" / "i18n"
TS = I18N / "assistant_zh_CN.ts"
QM = I18N / "assistant_zh_CN.qm"
RETIRED = ("vanished", "obsolete")  # kept for reference, left out of the .qm


def _extract_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_extract", I18N / "extract.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def _lrelease() -> str:
    beside_python = Path(sys.executable).parent / "pyside6-lrelease"
    found = str(beside_python) if beside_python.exists() else shutil.which("pyside6-lrelease")
    assert found, "pyside6-lrelease (from PySide6) is needed to compile translations"
    return found


def _messages() -> Iterator[tuple[str, ET.Element]]:
    for context in ET.parse(TS).getroot().iter("context"):
        for message in context.iter("message"):
            yield context.findtext("name") or "", message


@pytest.fixture
def chinese(qtbot) -> Iterator[QTranslator]:
    """The compiled translation, installed for the test and removed after it."""
    translator = QTranslator()
    assert translator.load(str(QM)), f"{QM} does not load"
    QCoreApplication.installTranslator(translator)
    yield translator
    QCoreApplication.removeTranslator(translator)


def test_every_message_has_a_finished_translation() -> None:
    checked = 0
    for context, message in _messages():
        translation = message.find("translation")
        source = message.findtext("source")
        assert translation is not None, f"[{context}] {source!r} has no translation"
        if translation.get("type") in RETIRED:
            continue
        assert translation.get("type") != "unfinished", f"[{context}] {source!r} is unfinished"
        forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
        assert all(form.strip() for form in forms), f"[{context}] {source!r} is empty"
        checked += 1
    assert checked >= 50


def test_every_string_the_ui_translates_is_in_the_ts() -> None:
    extract = _extract_module()
    messages, problems = extract.collect(extract.SOURCES.glob("*.py"))
    assert not problems, "tr() calls the extractor cannot read:\n" + "\n".join(problems)
    translated = {
        (context, message.findtext("source") or "")
        for context, message in _messages()
        if message.find("translation") is not None
        and message.find("translation").get("type") is None  # type: ignore[union-attr]
    }
    missing = sorted(set(messages) - translated)
    assert not missing, f"run resources/i18n/extract.py and translate: {missing}"
    assert {context for context, _ in messages} == {
        "MainWindow", "MessageView", "Composer", "Sidebar", "MemoryPanel", "Dialogs",
        "KnowledgePanel", "SettingsForm", "AppLinks", "WelcomeView", "ChatModelStatus",
        "SketchPad",
        "Dictation",
        "SourceViewer",
        "Sketching",
        "ImageViewer",
        "OptionsForm",
        "OptionsPanel",
        "VoiceMode",
        "VoiceBar",
    }  # fmt: skip


def test_the_qm_is_compiled_from_the_current_ts(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.qm"
    subprocess.run(
        [_lrelease(), str(TS), "-qm", str(fresh)], check=True, capture_output=True, timeout=60
    )
    assert fresh.read_bytes() == QM.read_bytes(), (
        "the .qm is out of date: pyside6-lrelease resources/i18n/assistant_zh_CN.ts "
        "-qm resources/i18n/assistant_zh_CN.qm"
    )


def test_loading_it_translates_into_chinese(chinese: QTranslator) -> None:
    assert chinese.language() == "zh_CN"
    assert QCoreApplication.translate("MainWindow", "&New conversation") == "新建对话(&N)"
    assert QCoreApplication.translate("MessageView", "Copy") == "复制"
    assert QCoreApplication.translate("Sidebar", "%n message(s)", None, 3) == "3 条消息"
    assert QCoreApplication.translate("MainWindow", "not a UI string") == "not a UI string"


def test_the_app_installs_it_for_chinese(qtbot) -> None:
    from PySide6.QtWidgets import QApplication

    from assistant.ui.app import install_translations

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translators = install_translations(app, "zh_CN")
    try:
        assert any(t.filePath().endswith("assistant_zh_CN.qm") for t in translators)
        assert QCoreApplication.translate("Dialogs", "Settings") == "设置"
    finally:
        for translator in translators:
            QCoreApplication.removeTranslator(translator)
