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


def test_the_panel_lists_the_turns_folded_into_the_summary(
    qtbot, open_window, memory_keyring
) -> None:
    from plugins.chat import ChatPlugin, ChatSettings
    from tests.plugins.chat.openai_server import OpenAIServer
    from tests.ui.test_main_window import send

    server = OpenAIServer().start()
    try:
        window = open_window(ChatPlugin())
        window.assistant.router.default = "chat"
        settings = ChatSettings(
            backend="openai",
            openai_base_url=server.base_url,
            openai_model="test-model",
            context_window=160,
            max_new_tokens=24,
            system_prompt="Be brief.",
        )
        window.assistant.settings.update_section("chat", settings)
        panel = window.memory
        panel.show()
        send(qtbot, window, "My locker code is FACT-ZEBRA42, please remember it.")
        assert panel.folded_count.text() == (
            "None yet: the whole conversation fits in what the model reads."
        )
        assert panel.folded_list.isHidden()
        for number in range(2, 7):
            send(qtbot, window, f"Tell me something short about the number {number}, please.")

        conversation = window.conversation_id
        through = window.store.get_state(conversation, "chat", "folded_through")
        messages = window.store.messages(conversation)
        folded = [m for m in messages if m.id <= int(through)]
        assert 2 <= len(folded) < len(messages)
        assert panel.text.toPlainText() == "Known facts: FACT-ZEBRA42"
        items = [panel.folded_list.item(i).text() for i in range(panel.folded_list.count())]
        assert items[0] == "You: My locker code is FACT-ZEBRA42, please remember it."
        assert items[1].startswith("Assistant: You said")
        assert len(items) == len(folded)
        assert panel.folded_count.text() == (
            f"{len(folded)} of {len(messages)} messages are in the summary; "
            "the model reads the rest word for word."
        )
        assert panel.folded_list.isVisible() and panel.replaced.isHidden()
    finally:
        server.stop()


def test_the_panel_says_when_the_models_summary_was_replaced(qtbot, open_window) -> None:
    window = open_window()
    conversation = window.store.create_conversation("goats")
    first = window.store.add_message(conversation, "user", "My name is Ada.")
    window.store.add_message(conversation, "assistant", "Hello Ada.")
    window.store.set_state(conversation, "chat", "summary", "The user said: My name is Ada.")
    window.store.set_state(conversation, "chat", "folded_through", str(first))
    window.store.set_state(conversation, "chat", "summary_replaced", "it repeats itself")
    window.open_conversation(conversation)
    panel = window.memory
    panel.show()

    assert panel.replaced.isVisible() and panel.replaced.toolTip() == "it repeats itself"
    assert [panel.folded_list.item(i).text() for i in range(panel.folded_list.count())] == [
        "You: My name is Ada."
    ]
    assert panel.folded_count.text().startswith("1 of 2 messages")
    panel.text.selectAll()
    qtbot.keyClicks(panel.text, "The person is Ada, who keeps goats.")
    panel.save_button.click()  # the person's own summary now: nothing was replaced
    assert panel.replaced.isHidden()
    assert window.store.get_state(conversation, "chat", "summary_replaced") == ""
