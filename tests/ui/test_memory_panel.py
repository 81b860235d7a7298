"""The Memory panel: the running summary and the conversation's own chat settings."""

from __future__ import annotations


def test_summary_and_conversation_settings_are_saved_to_the_conversation(
    qtbot, open_window
) -> None:
    window = open_window()
    conversation = window.store.create_conversation("style")
    window.store.set_state(conversation, "chat", "summary", "They like short answers.")
    window.open_conversation(conversation)
    panel = window.memory
    assert panel.text.toPlainText() == "They like short answers."
    assert panel.temperature.text() == "as in the chat settings"
    panel.text.setPlainText("They like very short answers.")
    panel.system_prompt.setText("Answer in French.")
    panel.temperature.setValue(0.2)
    panel.max_tokens.setValue(128)
    panel.save_button.click()
    state = {
        key: window.store.get_state(conversation, "chat", key)
        for key in ("summary", "system_prompt", "temperature", "max_new_tokens")
    }
    assert state == {
        "summary": "They like very short answers.",
        "system_prompt": "Answer in French.",
        "temperature": "0.20",
        "max_new_tokens": "128",
    }
    panel.clear_button.click()
    assert window.store.get_state(conversation, "chat", "summary") == ""
    assert window.store.get_state(conversation, "chat", "system_prompt") == "Answer in French."
    window.new_conversation()
    window.open_conversation(conversation)
    assert (panel.system_prompt.text(), panel.max_tokens.value()) == ("Answer in French.", 128)
