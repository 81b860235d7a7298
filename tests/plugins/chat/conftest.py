"""Fixtures of the chat plugin's tests: a tiny real LLM, a real OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from plugins.chat.memory import SUMMARY_INSTRUCTIONS
from plugins.chat.settings import DEFAULT_SYSTEM_PROMPT
from tests.keyrings import MemoryKeyring, memory_keyring_in_use
from tests.plugins.chat.openai_server import OpenAIServer

CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

TRAINING_TEXT = [
    "The capital of France is Paris. The capital of Italy is Rome.",
    "Hello, how are you today? I am fine, thank you for asking.",
    "Please summarise the conversation so far in a few words.",
    "A language model answers questions, one token at a time.",
    "My name is Ada and I live in a small house by the river.",
    DEFAULT_SYSTEM_PROMPT,
    SUMMARY_INSTRUCTIONS,
    "Summary so far: (nothing yet). New part of the conversation: User: Assistant:",
] * 4


def build_tiny_llm(folder: Path) -> Path:
    """A tiny Llama with a BPE tokenizer trained here and a ChatML template, saved."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    specials = ["<unk>", "<|im_start|>", "<|im_end|>", "<pad>"]
    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=1000,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    bpe.train_from_iterator(TRAINING_TEXT, trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        unk_token="<unk>",
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        pad_token="<pad>",
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        intermediate_size=64,
        max_position_embeddings=512,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    model = LlamaForCausalLM(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_llm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of a tiny causal LM, built once per test session."""
    return build_tiny_llm(tmp_path_factory.mktemp("tiny-llm"))


@pytest.fixture
def openai_server() -> Iterator[OpenAIServer]:
    """A running OpenAI-compatible server on 127.0.0.1, stopped and joined afterwards."""
    server = OpenAIServer().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every chat test gets an empty keyring of its own: the person's real keys stay untouched."""
    with memory_keyring_in_use() as ring:
        yield ring
