"""The first answer: how long a new user waits for the first words, in the window and the CLI.

``python -m bench.first_answer [--runs N]`` runs, each from a fresh process on fresh,
empty config and data folders, with the embedded default models:

- the window (``bench._first_answer_app``: the real ``run_app()`` plus a probe that types
  "What is the capital of France?" and presses Enter in the composer): the time from Enter
  to the first streamed text reaching the window (the TurnRunner's ``chunks_arrived``,
  after the window's own slot has shown it), and the resident memory just before Enter,
  after the window has idled for ``--idle`` seconds;
- ``python -m assistant ask "What is the capital of France?"``, wall time;
- the control: the same command with ``--plugin chat`` (no routing).

Every run has its own config and data folders; the models folder (converted copies of
models) and the cache folder are shared, and filled by one untimed run of each first, as
any launch after the first finds them. The last line printed is the JSON result.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "What is the capital of France?"
WINDOW = [sys.executable, "-m", "bench._first_answer_app"]
CLI = [sys.executable, "-m", "assistant", "ask", QUESTION]
CONTROL = [*CLI, "--plugin", "chat"]
TIMEOUT_S = 180.0
GOAL_WINDOW_S = 2.0
GOAL_CLI_S = 3.0
GOAL_RSS_MB = 200.0


def _env(run: Path, shared: Path, idle_s: float) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["BENCH_IDLE_S"] = str(idle_s)
    env["BENCH_QUESTION"] = QUESTION
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["ASSISTANT_CONFIG_DIR"] = str(run / "config")  # do not exist yet
    env["ASSISTANT_DATA_DIR"] = str(run / "data")
    env["ASSISTANT_MODELS_DIR"] = str(shared / "models")
    env["ASSISTANT_CACHE_DIR"] = str(shared / "cache")
    return env


def _run(argv: list[str], shared: Path, idle_s: float) -> tuple[float, str, str]:
    """Wall seconds, stdout and stderr of one run of *argv* on fresh folders."""
    with tempfile.TemporaryDirectory(prefix="bench-first-") as folder:
        started = time.perf_counter()
        done = subprocess.run(
            argv,
            env=_env(Path(folder), shared, idle_s),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,  # a failure is reported below, with its stderr
        )
        wall = time.perf_counter() - started
    if done.returncode != 0 or "Traceback" in done.stderr:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    return wall, done.stdout, done.stderr


def time_cli(argv: list[str], shared: Path) -> tuple[float, str]:
    """Wall seconds of one CLI run, and its answer."""
    wall, out, _ = _run(argv, shared, 0)
    if not out.strip():
        raise SystemExit(f"{' '.join(argv)} answered nothing")
    return wall, out.strip()


def time_window(shared: Path, idle_s: float) -> dict[str, float | str]:
    """One window run: Enter → routed, → first token, → done; idle RSS; the answer."""
    _, out, _ = _run(WINDOW, shared, idle_s)
    stamps: dict[str, str] = {}
    for line in out.splitlines():
        key, _, value = line.partition(" ")
        stamps.setdefault(key, value)
    if "failed" in stamps or "first-token" not in stamps:
        raise SystemExit(f"the window gave no answer:\n{out}")

    def since_enter(key: str) -> float:
        return float(stamps[key].split(" ")[0]) - float(stamps["enter"])

    return {
        "first_token_s": since_enter("first-token"),
        "routed_s": since_enter("routed"),
        "done_s": since_enter("done"),
        "idle_rss_mb": float(stamps["idle-rss-mb"]),
        "answer": json.loads(stamps["done"].split(" ", 1)[1]),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the JSON result as the last line."""
    parser = argparse.ArgumentParser(prog="python -m bench.first_answer")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each")
    parser.add_argument("--idle", type=float, default=3.0, help="seconds the window idles")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-first-shared-") as folder:
        shared = Path(folder)
        # Untimed: fills the shared models folder and the OS file cache.
        time_window(shared, 0.5)
        time_cli(CLI, shared)
        windows, clis, controls = [], [], []
        for _ in range(max(args.runs, 1)):  # interleaved, so that load hits all three
            windows.append(time_window(shared, args.idle))
            clis.append(time_cli(CLI, shared))
            controls.append(time_cli(CONTROL, shared))
    first_token = statistics.median(float(w["first_token_s"]) for w in windows)
    cli = statistics.median(wall for wall, _ in clis)
    control = statistics.median(wall for wall, _ in controls)
    rss = statistics.median(float(w["idle_rss_mb"]) for w in windows)
    result = {
        "window_first_token_s": round(first_token, 3),
        "cli_s": round(cli, 3),
        "idle_rss_mb": rss,
        "control_cli_plugin_chat_s": round(control, 3),
        "routing_cost_s": round(cli - control, 3),
        "window_routed_s": round(statistics.median(float(w["routed_s"]) for w in windows), 3),
        "window_done_s": round(statistics.median(float(w["done_s"]) for w in windows), 3),
        "runs": len(windows),
        "window_first_token_all_s": [round(float(w["first_token_s"]), 3) for w in windows],
        "cli_all_s": [round(wall, 3) for wall, _ in clis],
        "control_all_s": [round(wall, 3) for wall, _ in controls],
        "answers": sorted({str(w["answer"]) for w in windows} | {a for _, a in clis}),
        "fresh": "config and data folders fresh for every run; the models and cache folders "
        "shared and warmed by one untimed window run and one untimed CLI run",
        "probe": "QTest.keyClick(Return) on the composer's editor; first token = the first "
        "TextDelta of TurnRunner.chunks_arrived, after the window's own slot",
        "load_average_1min": round(os.getloadavg()[0], 2),
        "goals_met": {
            "window_first_token_s": first_token <= GOAL_WINDOW_S,
            "cli_s": cli <= GOAL_CLI_S,
            "idle_rss_mb": rss <= GOAL_RSS_MB,
        },
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
