"""Memory through ``ChatPlugin.run``, with a real server whose summaries keep every FACT-…."""

from __future__ import annotations

from collections.abc import Callable

from assistant.core.messages import HistoryMessage, Progress, Request, TextDelta
from assistant.core.plugin import MemoryState, PluginContext
from plugins.chat import ChatPlugin, ChatSettings
from plugins.chat.memory import SUMMARY_KEY, SUMMARY_PREFIX, summary_messages
from tests.plugins.chat.openai_server import OpenAIServer

WINDOW, ANSWER_TOKENS = 400, 60


def chat_settings(server: OpenAIServer) -> ChatSettings:
    return ChatSettings(
        backend="openai",
        openai_base_url=server.base_url,
        openai_model="test-model",
        context_window=WINDOW,
        max_new_tokens=ANSWER_TOKENS,
        system_prompt="Be brief.",
    )


class Conversation:
    """Talks to the plugin turn after turn, keeping history and state as the app does."""

    def __init__(self, plugin: ChatPlugin, make_context: Callable[..., PluginContext], settings):
        self.plugin, self.make_context, self.settings = plugin, make_context, settings
        self.state = MemoryState()
        self.history: list[HistoryMessage] = []

    def say(self, text: str) -> list:
        context = self.make_context(self.settings, state=self.state)
        user_id = len(self.history) + 1
        chunks = list(self.plugin.run(Request(text, history=tuple(self.history)), context))
        answer = "".join(c.text for c in chunks if isinstance(c, TextDelta))
        self.history += [
            HistoryMessage("user", text, message_id=user_id),
            HistoryMessage("assistant", answer, plugin="chat", message_id=user_id + 1),
        ]
        return chunks


def answer_prompts(server: OpenAIServer) -> list[list[dict[str, str]]]:
    instructions = summary_messages("", [])[0]["content"]
    return [
        body["messages"]
        for body in server.completions
        if body["messages"][0]["content"] != instructions
    ]


def test_a_long_conversation_fits_the_window_and_remembers_turn_one(
    openai_server: OpenAIServer, make_context: Callable[..., PluginContext]
) -> None:
    plugin = ChatPlugin()
    talk = Conversation(plugin, make_context, chat_settings(openai_server))
    plugin.load(make_context(talk.settings))

    talk.say("Please remember that my locker code is FACT-ZEBRA42.")
    for number in range(2, 201):
        talk.say(f"This is message number {number} of a long chat about nothing much at all.")

    backend = plugin.backend(make_context(talk.settings))
    prompts = answer_prompts(openai_server)
    assert len(prompts) == 200
    assert max(backend.count_tokens(p) for p in prompts) + ANSWER_TOKENS <= WINDOW
    assert "FACT-ZEBRA42" not in prompts[-1][1]["content"]  # turn 1 left the window long ago
    assert "FACT-ZEBRA42" in talk.state.get(SUMMARY_KEY)
    assert prompts[-1][0]["content"].startswith(f"Be brief.\n\n{SUMMARY_PREFIX}Known facts:")
    assert "FACT-ZEBRA42" in prompts[-1][0]["content"]
    assert int(talk.state.get("folded_through")) > 300


def test_memory_is_updated_after_the_answer_and_an_edit_takes_effect(
    openai_server: OpenAIServer, make_context: Callable[..., PluginContext]
) -> None:
    plugin = ChatPlugin()
    talk = Conversation(plugin, make_context, chat_settings(openai_server))
    talk.say("My favourite colour is FACT-TEAL.")
    chunks = []
    while not talk.state.get(SUMMARY_KEY):
        chunks = talk.say("Tell me something about the weather in spring, please, at length.")

    kinds = [type(c) for c in chunks]
    assert kinds[-1] is Progress and chunks[-1].message == "Updating memory…"
    assert set(kinds[:-1]) == {TextDelta}  # the summary never delays or enters the answer
    assert talk.state.get(SUMMARY_KEY) == "Known facts: FACT-TEAL"

    talk.state.set(SUMMARY_KEY, "The person's name is Captain Nemo.")
    talk.say("What is my name?")

    system = answer_prompts(openai_server)[-1][0]["content"]
    assert system == f"Be brief.\n\n{SUMMARY_PREFIX}The person's name is Captain Nemo."


def test_answers_of_other_plugins_are_assistant_turns(
    openai_server: OpenAIServer, make_context: Callable[..., PluginContext]
) -> None:
    history = (
        HistoryMessage("user", "What is in this photo?", message_id=1),
        HistoryMessage("assistant", "A cat on a sofa.", plugin="vision", message_id=2),
    )
    context = make_context(chat_settings(openai_server))
    list(ChatPlugin().run(Request("What colour is it?", history=history), context))

    assert openai_server.completions[0]["messages"][1:] == [
        {"role": "user", "content": "What is in this photo?"},
        {"role": "assistant", "content": "A cat on a sofa."},
        {"role": "user", "content": "What colour is it?"},
    ]


def test_the_memory_command_shows_and_forgets_the_summary(
    make_context: Callable[..., PluginContext],
) -> None:
    state = MemoryState()
    state.set(SUMMARY_KEY, "The user likes tea.")
    state.set("folded_through", "8")
    plugin, context = ChatPlugin(), make_context(ChatSettings(), state=state)

    shown = list(plugin.run(Request("", command="memory"), context))
    forgotten = list(plugin.run(Request("forget", command="memory"), context))

    assert "The user likes tea." in shown[0].text
    assert "forgotten" in forgotten[0].text
    assert state.get(SUMMARY_KEY) == "" and state.get("folded_through") == "8"


def test_a_conversation_can_have_its_own_prompt_temperature_and_length() -> None:
    from assistant.core.plugin import MemoryState
    from plugins.chat.plugin import conversation_settings
    from plugins.chat.settings import ChatSettings

    base = ChatSettings(system_prompt="Be brief.", temperature=0.7, max_new_tokens=512)
    state = MemoryState()
    assert conversation_settings(base, state) == base
    state.set("system_prompt", "Answer as a pirate.")
    state.set("temperature", "0.1")
    state.set("max_new_tokens", "64")
    own = conversation_settings(base, state)
    assert (own.system_prompt, own.temperature, own.max_new_tokens) == (
        "Answer as a pirate.",
        0.1,
        64,
    )
    state.set("temperature", "very hot")  # unreadable: the plugin-wide settings stay
    assert conversation_settings(base, state) == base


def test_a_summary_that_repeats_itself_is_replaced_by_what_the_person_said(
    openai_server: OpenAIServer, make_context: Callable[..., PluginContext]
) -> None:
    repeated = "Powder, I will not help you with your three-goose family. " * 7
    instructions = summary_messages("", [])[0]["content"]

    def reply(body: dict) -> str:  # what SmolLM2-135M wrote in issue 10, for every summary
        if body["messages"][0]["content"] == instructions:
            return repeated
        return "Lovely."

    openai_server.script.reply = reply
    plugin = ChatPlugin()
    talk = Conversation(plugin, make_context, chat_settings(openai_server))
    talk.say("My name is Ada and I keep three goats named Pip, Pod and Pea.")
    while not talk.state.get(SUMMARY_KEY):
        talk.say("Tell me something about the weather in spring, please, at length.")
    talk.say("What is my name and what are my goats called?")

    summary = talk.state.get(SUMMARY_KEY)
    assert summary == "My name is Ada and I keep three goats named Pip, Pod and Pea."
    assert "repeats itself" in talk.state.get("summary_replaced")
    system = answer_prompts(openai_server)[-1][0]["content"]
    assert system == f"Be brief.\n\n{SUMMARY_PREFIX}{summary}"
