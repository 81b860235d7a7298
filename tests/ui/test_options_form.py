"""The Options form next to Send: it follows the message to its plugin, its values go with
the question, and Edit parameters brings them back."""

from __future__ import annotations

from PySide6 import QtCore

from assistant.core.options import OptionsError
from assistant.ui.options_form import OptionsForm
from plugins.imagegen.settings import ImageOptions
from tests.core.test_options import Tunable


def test_the_form_is_built_from_the_model_and_gives_only_ticked_options(qtbot) -> None:
    form = OptionsForm(ImageOptions)
    qtbot.addWidget(form)
    assert set(form.editors) == set(ImageOptions.model_fields)
    form.editors["steps"].setValue(25)  # touching an editor ticks its row
    form.editors["negative"].setText("blurry")
    form.editors["negative"].textEdited.emit("blurry")
    assert form.values() == {"steps": 25, "negative": "blurry"}
    form.set_values({"seed": 7, "sampler": "DPM++ 2M Karras"})
    assert form.values() == {"seed": 7, "sampler": "DPM++ 2M Karras"}
    form.editors["size"].setText("huge")
    form.given["size"].setChecked(True)
    try:
        form.values()
    except OptionsError as exc:
        assert "--size" in str(exc)
    else:
        raise AssertionError("a bad size was taken")


def test_the_composer_offers_the_options_of_the_plugin_the_text_goes_to(qtbot, open_window):
    window = open_window(Tunable())
    composer = window.composer
    composer.editor.setPlainText("/tune a fox")
    qtbot.waitUntil(composer.options_button.isEnabled, timeout=3000)
    composer.options_button.setChecked(True)
    form = composer.options.form
    assert form is not None and form.model.__name__ == "Knobs"
    form.editors["steps"].setValue(12)
    qtbot.keyClick(composer.editor, QtCore.Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "a fox|[('steps', 12)]" in window.view.plain_text(), timeout=5000)
    composer.editor.setPlainText("hello")  # the echo plugin has no options
    qtbot.waitUntil(lambda: not composer.options_button.isEnabled(), timeout=3000)
    reply = window.view.message_ids()[-1]
    qtbot.waitUntil(lambda: window.view.widget_of(reply).button("parameters") is not None,
                    timeout=5000)  # fmt: skip
    window.view.widget_of(reply).button("parameters").click()
    assert composer.editor.toPlainText() == "/tune a fox"
    assert composer.options.form.values() == {"steps": 12}
    composer.options.form.editors["steps"].setValue(13)
    qtbot.keyClick(composer.editor, QtCore.Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "a fox|[('steps', 13)]" in window.view.plain_text(), timeout=5000)
