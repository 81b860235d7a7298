"""How much speed the chat plugin costs: streamed through ``ChatPlugin.run`` vs the raw library.

Same model (the built-in SmolLM2), same prompt, greedy decoding and the same number of new
tokens on both sides, in one run, for each engine:

* transformers (its converted copy): ``plugin_tok_s``, ``raw_tok_s`` (``model.generate``),
  ``ratio`` (goal ≥ 0.95), ``ttft_overhead_ms`` (goal ≤ 50), and the same against generate
  on a worker thread;
* llama.cpp (the GGUF itself): ``plugin_llamacpp_tok_s``, ``llamacpp_tok_s`` (llama-cpp-python's
  ``create_completion`` on the prompt the GGUF's chat template makes), ``llamacpp_ratio``
  (goal ≥ 0.9); null when llama-cpp-python is not installed.

Prints one JSON object last.

Run from the repository root: ``.venv/bin/python -m bench.chat_speed``.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from assistant.core.cancel import CancelToken
from assistant.core.messages import Request, TextDelta
from assistant.core.models import ModelRegistry
from assistant.core.plugin import PluginContext
from plugins.chat import ChatPlugin, ChatSettings
from plugins.chat.backend import embedded_gguf, llama_cpp_available

NEW_TOKENS = 64
ROUNDS = 3
LLAMACPP_ROUNDS = 5  # a llama.cpp round takes about a second: more of them steady the median
PROMPT = "Write a long story about a dragon who learns to bake bread in a small village."


def plugin_run(plugin: ChatPlugin, context: PluginContext) -> tuple[str, float, float]:
    """The answer through the plugin, seconds to its first piece, and seconds in all."""
    started = time.perf_counter()
    first = 0.0
    text = ""
    for chunk in plugin.run(Request(PROMPT), context):
        if isinstance(chunk, TextDelta):
            first = first or time.perf_counter() - started
            text += chunk.text
    return text, first, time.perf_counter() - started


def raw_generate(
    backend: Any, messages: list[dict[str, str]], new_tokens: int
) -> tuple[Any, float]:
    """``model.generate`` on the same prompt, greedy; the new token ids and the seconds."""
    import torch

    inputs = backend.tokenizer.apply_chat_template(
        messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
    ).to(backend.model.device)
    started = time.perf_counter()
    with torch.inference_mode():
        output = backend.model.generate(
            **inputs,
            max_new_tokens=new_tokens,
            do_sample=False,
            pad_token_id=backend.tokenizer.eos_token_id,
        )
    seconds = time.perf_counter() - started
    return output[0, inputs["input_ids"].shape[1] :], seconds


def raw_generate_on_thread(
    backend: Any, messages: list[dict[str, str]], new_tokens: int
) -> tuple[Any, float]:
    """The same raw generate on a worker thread, as the plugin runs it.

    On a busy two-core machine torch's main-thread OpenMP team can be several times slower
    than a fresh thread's, which would flatter the plugin; this isolates its own overhead.
    """
    results: list[tuple[Any, float]] = []
    worker = threading.Thread(
        target=lambda: results.append(raw_generate(backend, messages, new_tokens))
    )
    worker.start()
    worker.join()
    return results[0]


def llamacpp_prompt(llm: Any, messages: list[dict[str, str]]) -> list[int]:
    """*messages* through the GGUF's own chat template, as llama-cpp-python's chat API does."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    def text(token: int) -> str:
        return llm.detokenize([token], special=True).decode() if token >= 0 else ""

    template = Jinja2ChatFormatter(
        template=llm.metadata["tokenizer.chat_template"],
        eos_token=text(llm.token_eos()),
        bos_token=text(llm.token_bos()),
    )
    prompt = template(messages=messages).prompt
    return llm.tokenize(prompt.encode(), add_bos=False, special=True)


def raw_llamacpp(llm: Any, prompt: list[int]) -> tuple[str, int, float]:
    """``Llama.create_completion`` on the prompt, greedy: the text, its tokens, the seconds."""
    started = time.perf_counter()
    result = llm.create_completion(
        prompt, max_tokens=NEW_TOKENS, temperature=0.0, top_k=1, repeat_penalty=1.0
    )
    seconds = time.perf_counter() - started
    return result["choices"][0]["text"], result["usage"]["completion_tokens"], seconds


def llamacpp_comparison(messages: list[dict[str, str]], data_dir: Path) -> dict[str, Any]:
    """The plugin on llama.cpp against llama-cpp-python used directly, on the same GGUF."""
    from llama_cpp import Llama

    from plugins.chat.llamacpp_backend import generation_threads, plain_cpu_buffers

    settings = ChatSettings(engine="llama.cpp", temperature=0.0, max_new_tokens=NEW_TOKENS)
    context = PluginContext(CancelToken(), settings, ModelRegistry(), data_dir)
    plugin = ChatPlugin()
    plugin.load(context)
    threads = generation_threads()  # what the plugin gives llama.cpp, so both sides match
    with plain_cpu_buffers():
        llm = Llama(
            model_path=str(embedded_gguf()),
            n_ctx=plugin.backend(context).context_window,
            n_threads=threads,
            n_threads_batch=threads,
            verbose=False,
        )
    prompt = llamacpp_prompt(llm, messages)
    # llama.cpp reuses the prompt's cached keys and values from the second run on, and
    # evaluating only its last token shifts the logits a hair: greedy answers can differ
    # from the first run's. Warm both sides up, so every timed run is a cached one.
    raw_llamacpp(llm, prompt)
    plugin_run(plugin, context)
    reference, count, _ = raw_llamacpp(llm, prompt)
    raw_s, plugin_s, plugin_first = [], [], []
    for _ in range(LLAMACPP_ROUNDS):
        text, count, seconds = raw_llamacpp(llm, prompt)
        assert text == reference, "llama.cpp answered differently on the same prompt"
        raw_s.append(seconds)
        text, first, seconds = plugin_run(plugin, context)
        assert text == reference, "the plugin and raw llama.cpp answered differently"
        plugin_s.append(seconds)
        plugin_first.append(first)
    plugin.unload()
    raw_tok_s = count / statistics.median(raw_s)
    plugin_tok_s = count / statistics.median(plugin_s)
    return {
        "llamacpp_new_tokens": count,
        "llamacpp_tok_s": round(raw_tok_s, 2),
        "plugin_llamacpp_tok_s": round(plugin_tok_s, 2),
        "llamacpp_ratio": round(plugin_tok_s / raw_tok_s, 3),
        "plugin_llamacpp_ttft_ms": round(1000 * statistics.median(plugin_first), 1),
    }


def main() -> None:
    settings = ChatSettings(engine="transformers", temperature=0.0, max_new_tokens=NEW_TOKENS)
    with tempfile.TemporaryDirectory() as data_dir:
        context = PluginContext(CancelToken(), settings, ModelRegistry(), Path(data_dir))
        plugin = ChatPlugin()
        started = time.perf_counter()
        plugin.load(context)
        load_s = time.perf_counter() - started
        backend = plugin.backend(context)
        messages = [
            {"role": "system", "content": settings.system_prompt},
            {"role": "user", "content": PROMPT},
        ]
        tokens, _ = raw_generate(backend, messages, NEW_TOKENS)  # warm-up, and the reference
        reference = backend.tokenizer.decode(tokens, skip_special_tokens=True)
        plugin_run(plugin, context)  # warm-up

        raw_s, raw_first, plugin_s, plugin_first = [], [], [], []
        thread_s, thread_first = [], []
        for _ in range(ROUNDS):
            tokens, seconds = raw_generate(backend, messages, NEW_TOKENS)
            raw_s.append(seconds)
            raw_first.append(raw_generate(backend, messages, 1)[1])
            thread_s.append(raw_generate_on_thread(backend, messages, NEW_TOKENS)[1])
            thread_first.append(raw_generate_on_thread(backend, messages, 1)[1])
            text, first, seconds = plugin_run(plugin, context)
            assert text == reference, "the plugin and raw generate answered differently"
            plugin_first.append(first)
            plugin_s.append(seconds)
        plugin.unload()

    count = len(tokens)
    raw_tok_s = count / statistics.median(raw_s)
    plugin_tok_s = count / statistics.median(plugin_s)
    overhead_ms = 1000 * (statistics.median(plugin_first) - statistics.median(raw_first))
    thread_tok_s = count / statistics.median(thread_s)
    thread_overhead_ms = 1000 * (statistics.median(plugin_first) - statistics.median(thread_first))
    print(f"model load {load_s:.1f} s; {count} new tokens; answer: {reference[:80]!r}…")
    result = {
        "new_tokens": count,
        "plugin_tok_s": round(plugin_tok_s, 2),
        "raw_tok_s": round(raw_tok_s, 2),
        "ratio": round(plugin_tok_s / raw_tok_s, 3),
        "plugin_ttft_ms": round(1000 * statistics.median(plugin_first), 1),
        "raw_ttft_ms": round(1000 * statistics.median(raw_first), 1),
        "ttft_overhead_ms": round(overhead_ms, 1),
        "raw_thread_tok_s": round(thread_tok_s, 2),
        "ratio_vs_raw_thread": round(plugin_tok_s / thread_tok_s, 3),
        "ttft_overhead_vs_raw_thread_ms": round(thread_overhead_ms, 1),
    }
    with tempfile.TemporaryDirectory() as data_dir:
        if llama_cpp_available():
            result.update(llamacpp_comparison(messages, Path(data_dir)))
        else:
            result.update(llamacpp_tok_s=None, plugin_llamacpp_tok_s=None, llamacpp_ratio=None)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
