"""Start-up: time from launch to the main window's first paint, against a bare Qt window.

``python -m bench.startup [--runs N]`` launches the real ``python -m assistant`` N times,
each on fresh, empty config and data folders (a new user's first launch), interleaved with
an empty QMainWindow (``bench._baseline``), and takes the median of each. Time runs from
just before ``subprocess.Popen`` to the ``first-paint <unix time>`` line the child prints.
One more launch through ``bench._launch_app`` (the real ``run_app()`` plus a probe) lists
the ML packages imported by start-up and measures resident memory after 10 s idle.
Beside the wall times, ``cpu_s`` gives each child's CPU time (median): on a busy machine
it shows the cost apart from waiting for a core. The project's bytecode is compiled
first, as an installed app's is. The last line printed is the JSON result.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = [sys.executable, "-m", "assistant"]
BASELINE = [sys.executable, "-m", "bench._baseline"]
LAUNCHER = [sys.executable, "-m", "bench._launch_app"]
PAINT_TIMEOUT_S = 60.0
ALIVE_AFTER_PAINT_S = 1.0  # the app must still be running this long after its first paint
GOAL_SHOWN_S = 0.6
GOAL_RATIO = 1.5
GOAL_RSS_MB = 200.0


@dataclass
class Launch:
    """One child process whose output goes to files in *folder*."""

    proc: subprocess.Popen[bytes]
    started: float
    stdout: Path
    stderr: Path

    def lines(self) -> list[str]:
        return self.stdout.read_text(errors="replace").splitlines()

    def errors(self) -> str:
        return self.stderr.read_text(errors="replace")


def _env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["ASSISTANT_REPORT_STARTUP"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    for name in ("CONFIG", "DATA", "MODELS", "CACHE"):
        env[f"ASSISTANT_{name}_DIR"] = str(folder / name.lower())  # do not exist yet
    return env


def _start(argv: list[str], folder: Path) -> Launch:
    stdout, stderr = folder / "stdout.txt", folder / "stderr.txt"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        started = time.time()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=_env(folder), cwd=ROOT)
    return Launch(proc, started, stdout, stderr)


def _first_paint(launch: Launch) -> float:
    """Seconds from launch to the first-paint line; fails if the child dies first."""
    deadline = time.monotonic() + PAINT_TIMEOUT_S
    while time.monotonic() < deadline:
        for line in launch.lines():
            if line.startswith("first-paint "):
                return float(line.split()[1]) - launch.started
        if launch.proc.poll() is not None:
            break
        time.sleep(0.005)  # only when we notice; the child stamps the time itself
    launch.proc.kill()
    launch.proc.wait()
    raise SystemExit(
        f"{' '.join(launch.proc.args)} never painted (exit {launch.proc.returncode}):\n"  # type: ignore[arg-type]
        f"{launch.errors()}"
    )


def _check_healthy(launch: Launch) -> None:
    """The child still runs a moment after painting and printed no traceback."""
    try:
        code = launch.proc.wait(timeout=ALIVE_AFTER_PAINT_S)
    except subprocess.TimeoutExpired:
        code = None
    problem = "Traceback" in launch.errors() or code is not None
    if problem:
        raise SystemExit(f"the app failed after painting (exit {code}):\n{launch.errors()}")


def _stop(launch: Launch) -> None:
    launch.proc.terminate()
    try:
        launch.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        launch.proc.kill()
        launch.proc.wait()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_window(argv: list[str], check: bool) -> tuple[float, float]:
    """One launch of *argv* on fresh folders: seconds to its first paint, and CPU seconds.

    The CPU time (user + system, of the whole child until it was stopped) hardly depends on
    what else the machine is doing, so it tells the cost apart from the machine's load.
    """
    cpu_before = _children_cpu()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
        launch = _start(argv, Path(folder))
        try:
            seconds = _first_paint(launch)
            if check:
                _check_healthy(launch)
        finally:
            _stop(launch)
    return seconds, _children_cpu() - cpu_before


def probe_app() -> tuple[list[str], float]:
    """The ML packages start-up imported, and resident MiB after idling, from the launcher."""
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
        launch = _start(LAUNCHER, Path(folder))
        try:
            launch.proc.wait(timeout=PAINT_TIMEOUT_S + 30)
        except subprocess.TimeoutExpired:
            _stop(launch)
            raise SystemExit(f"the launcher did not finish:\n{launch.errors()}") from None
        lines = launch.lines()
        if launch.proc.returncode != 0 or "Traceback" in launch.errors():
            raise SystemExit(f"the launcher failed ({launch.proc.returncode}):\n{launch.errors()}")
    modules: set[str] = set()
    rss = 0.0
    for line in lines:
        key, _, value = line.partition(" ")
        if key == "ml-modules":
            modules.update(json.loads(value))
        elif key == "idle-rss-mb":
            rss = float(value)
    if not any(line.startswith("first-paint ") for line in lines) or not rss:
        raise SystemExit(f"the launcher reported nothing useful:\n{lines}")
    return sorted(modules), rss


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the JSON result as the last line."""
    parser = argparse.ArgumentParser(prog="python -m bench.startup")
    parser.add_argument("--runs", type=int, default=7, help="timed launches of each (>= 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed launches of each first")
    args = parser.parse_args(argv)
    # An installed app has its bytecode (pip writes it; so does a first launch, unless
    # PYTHONDONTWRITEBYTECODE is set): compile it, or every launch compiles the sources.
    for package in ("assistant", "plugins", "bench"):
        compileall.compile_dir(ROOT / package, quiet=1)
    for _ in range(args.warmup):  # fills the OS file cache, as any second launch would find
        time_window(BASELINE, check=False)
        time_window(APP, check=True)
    app_runs: list[tuple[float, float]] = []
    baseline_runs: list[tuple[float, float]] = []
    for _ in range(max(args.runs, 5)):  # interleaved, so that load on the machine hits both
        baseline_runs.append(time_window(BASELINE, check=False))
        app_runs.append(time_window(APP, check=True))
    app_times = [wall for wall, _ in app_runs]
    baseline_times = [wall for wall, _ in baseline_runs]
    app_cpu = statistics.median(cpu for _, cpu in app_runs)
    baseline_cpu = statistics.median(cpu for _, cpu in baseline_runs)
    modules, rss = probe_app()
    shown = statistics.median(app_times)
    baseline = statistics.median(baseline_times)
    result = {
        "window_shown_s": round(shown, 4),
        "baseline_s": round(baseline, 4),
        "ratio": round(shown / baseline, 3),
        "ml_modules": modules,
        "idle_rss_mb": rss,
        "runs": len(app_times),
        "window_shown_all_s": [round(t, 4) for t in app_times],
        "baseline_all_s": [round(t, 4) for t in baseline_times],
        "cpu_s": {
            "app": round(app_cpu, 3),
            "baseline": round(baseline_cpu, 3),
            "ratio": round(app_cpu / baseline_cpu, 3),
        },
        "load_average_1min": round(os.getloadavg()[0], 2),
        "goals_met": {
            "window_shown_s": shown <= GOAL_SHOWN_S,
            "ratio": shown / baseline <= GOAL_RATIO,
            "ml_modules": not modules,
            "idle_rss_mb": rss <= GOAL_RSS_MB,
        },
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
