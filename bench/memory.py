"""Row 6: peak resident memory of a long (30-trial) search against a short (5-trial) one.

Each search runs in a fresh Python process (``python -m bench.memory --child``) so
that its peak resident set size (``ru_maxrss``) is its own. The child also samples
its resident memory after every trial, which gives the growth per trial: a search
that leaks (models, graphs, optimizer state kept alive between trials) grows
linearly, one that cleans up stays flat after the first trials.

Run alone: ``python -m bench.memory [--quick]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

TITLE = "Memory: peak RSS of a 30-trial search vs a 5-trial one"


def _status_mib(field: str):
    """A kB field of ``/proc/self/status`` in MiB, or ``None`` where there is none."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    return None


def rss_mib() -> float:
    """Current resident set size of this process in MiB (Linux ``/proc``; 0 elsewhere)."""
    value = _status_mib("VmRSS")
    return 0.0 if value is None else value


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB.

    Reads ``VmHWM`` (the high-water mark of this process image) on Linux:
    ``ru_maxrss`` is inherited from the parent across fork and exec, so a child of
    a big process would report the parent's peak.
    """
    value = _status_mib("VmHWM")
    if value is not None:
        return value
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


def measure_in_subprocesses(jobs: list[list[str]], *, timeout: float = 600,
                            module: str = "bench.memory") -> list[dict]:
    """Run ``python -m MODULE --child ARGS`` for each job, concurrently.

    Peak memory is per process, so running the children side by side changes their
    run time, not their figures.

    Args:
        jobs: One argument list (after ``--child``) per child.
        timeout: Seconds before a child is killed.
        module: The module whose ``--child`` mode measures (prints one JSON line).

    Returns:
        Each child's report: ``peak_rss_mib``, ``rss_after_trial_mib``, ``seconds``...

    Raises:
        RuntimeError: a child failed.
    """
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    procs = [subprocess.Popen([sys.executable, "-m", module, "--child", *args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env, cwd=root) for args in jobs]
    reports = []
    try:
        for args, proc in zip(jobs, procs, strict=True):
            stdout, stderr = proc.communicate(timeout=timeout)
            lines = [line for line in stdout.splitlines() if line.startswith("{")]
            if proc.returncode != 0 or not lines:
                raise RuntimeError(f"memory child {args} failed (code {proc.returncode}): "
                                   f"{stderr[-2000:]}")
            reports.append(json.loads(lines[-1]))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    return reports


def _child(trials: int, epochs: int, directory: str) -> dict:
    import time

    from tuning import run_search

    samples = []
    start = time.perf_counter()
    baseline = rss_mib()
    run_search("cnn", "digits", "random", max_trials=trials, max_epochs=epochs,
               objective="val_accuracy", directory=directory, project_name="memory",
               overwrite=True, seed=0, write_report=False,
               progress=lambda row: samples.append(round(rss_mib(), 1)))
    return {"trials": trials, "epochs": epochs, "peak_rss_mib": round(peak_rss_mib(), 1),
            "rss_before_search_mib": round(baseline, 1), "rss_after_trial_mib": samples,
            "seconds": round(time.perf_counter() - start, 1)}


def _growth(samples: list[float]) -> float | None:
    """Least-squares slope (MiB per trial) over the second half of the samples (all if < 4)."""
    tail = samples[len(samples) // 2:] if len(samples) >= 4 else samples
    if len(tail) < 2:
        return None
    n = len(tail)
    mean_x, mean_y = (n - 1) / 2, sum(tail) / n
    cov = sum((i - mean_x) * (y - mean_y) for i, y in enumerate(tail))
    var = sum((i - mean_x) ** 2 for i in range(n))
    return cov / var


def peak_ratio_row(a: str, b: str, a_mib: float, b_mib: float, *, note: str) -> dict:
    """A result row: the peak RSS of run ``a`` over run ``b``, one measurement each."""
    ratio = a_mib / b_mib
    return {"name": f"peak RSS {a} / {b}", "unit": "x",
            "ratio": {"median": ratio, "min": ratio, "max": ratio, "n": 1},
            "a": a, "b": b, "side_unit": "MiB peak",
            "a_summary": {"median": a_mib}, "b_summary": {"median": b_mib},
            "target": None, "target_text": "close to 1", "met": None, "note": note}


def growth_row(name: str, growth: float, *, note: str) -> dict:
    """A result row: memory growth in MiB, one measurement, ideally about 0."""
    return {"name": name, "unit": "MiB",
            "value": {"median": growth, "min": growth, "max": growth, "n": 1},
            "target": None, "target_text": "about 0", "met": None, "note": note}


def run(quick: bool = False, *, smoke: bool = False) -> dict:
    """Measure the row; returns ``{"row", "title", "results", "notes"}``.

    Args:
        quick: 6 trials against 2.
        smoke: 2 trials against 1 (test suite).
    """
    long_n, short_n = (2, 1) if smoke else (6, 2) if quick else (30, 5)
    epochs = 1
    with tempfile.TemporaryDirectory(prefix="zoo_bench_mem_") as tmp:
        long, short = measure_in_subprocesses(
            [[str(long_n), str(epochs), os.path.join(tmp, "l")],
             [str(short_n), str(epochs), os.path.join(tmp, "s")]])
    growth = _growth(long["rss_after_trial_mib"])
    extra = long["peak_rss_mib"] - short["peak_rss_mib"]
    results = [
        peak_ratio_row(
            f"{long_n} trials", f"{short_n} trials", long["peak_rss_mib"], short["peak_rss_mib"],
            note=f"peak {long['peak_rss_mib']:.0f} MiB vs {short['peak_rss_mib']:.0f} MiB "
                 f"(+{extra:.0f} MiB for {long_n - short_n} more trials, "
                 f"{extra / max(1, long_n - short_n):.1f} MiB/trial); "
                 f"{long['seconds']:.0f}s and {short['seconds']:.0f}s"),
        growth_row("RSS growth per trial (second half of the long search)", growth,
                   note="RSS after each trial: " + ", ".join(
                       f"{v:.0f}" for v in long["rss_after_trial_mib"])),
    ]
    return {"row": 6, "title": TITLE, "results": results,
            "details": {"long": long, "short": short},
            "notes": [f"random search over the digits CNN hypermodel, {epochs} epoch per "
                      "trial, each search in a fresh process (the two side by side); one run each (memory is not "
                      "timing noise)"]}


def _main(argv) -> int:
    if argv[:1] == ["--child"]:
        trials, epochs, directory = int(argv[1]), int(argv[2]), argv[3]
        print(json.dumps(_child(trials, epochs, directory)))
        return 0
    from bench.__main__ import print_rows

    print_rows([run(quick="--quick" in argv)])
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
