"""Shared helpers: interleaved (paired) measurements, ratio summaries, machine facts.

Every row of the benchmark compares two candidates on the same work *in the same
run*. Measuring ``A, B, B, A, A, B, ...`` (the order flips each round) spreads slow
drifts of the machine (other processes, thermal state) evenly over both sides, and
the ratio of each pair is taken before the median, so a noisy stretch moves one
pair, not the whole figure.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable


def paired(candidates: dict[str, Callable[[], float]], repeats: int, *,
           warmup: int = 1) -> dict[str, list[float]]:
    """Run each candidate ``repeats`` times, interleaved, and return the measurements.

    Args:
        candidates: ``{name: fn}``; each ``fn()`` does one unit of work and returns
            its measurement (seconds, samples/s...).
        repeats: Measured rounds.
        warmup: Unmeasured rounds first (tracing, caches).

    Returns:
        ``{name: [measurement per round]}``, rounds aligned across names.

    Example:
        >>> runs = paired({"a": lambda: 1.0, "b": lambda: 2.0}, 3, warmup=0)
        >>> runs["b"]
        [2.0, 2.0, 2.0]
    """
    names = list(candidates)
    for _ in range(warmup):
        for name in names:
            candidates[name]()
    runs = {name: [] for name in names}
    for r in range(repeats):
        order = names if r % 2 == 0 else names[::-1]
        for name in order:
            runs[name].append(float(candidates[name]()))
    return runs


def timed(fn: Callable[[], object]) -> float:
    """Seconds ``fn()`` takes (wall clock)."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def summary(values) -> dict:
    """``{"median", "min", "max", "n"}`` of a list of numbers (``None`` entries skipped)."""
    values = [float(v) for v in values if v is not None]
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def ratio(numerators, denominators) -> dict:
    """Summary of the pairwise ratios ``numerators[i] / denominators[i]``."""
    pairs = [n / d for n, d in zip(numerators, denominators, strict=True)
             if n is not None and d not in (None, 0)]
    return summary(pairs)


def compare(name: str, a: str, b: str, runs: dict[str, list[float]], *, unit: str,
            higher_is_better: bool = True, target: float | None = None,
            note: str = "") -> dict:
    """One result row: ``a`` against ``b`` from :func:`paired` measurements.

    The ratio is oriented so that above 1 means ``a`` is better: ``a / b`` for
    throughputs (``higher_is_better``), ``b / a`` for times. ``best_of_ratio``
    compares each side's best run (the least disturbed by other processes).

    Returns:
        A dict with ``name``, ``a``, ``b``, ``unit``, ``ratio`` (median, min, max, n),
        each side's summary, ``target`` and ``met`` (``None`` without a target).
    """
    num, den = (runs[a], runs[b]) if higher_is_better else (runs[b], runs[a])
    r = ratio(num, den)
    # Best of each side: under contention the fastest run is the least disturbed one.
    best = (max(runs[a]) / max(runs[b]) if higher_is_better else min(runs[b]) / min(runs[a]))
    return {"name": name, "a": a, "b": b, "unit": unit, "ratio": r, "best_of_ratio": best,
            "a_summary": summary(runs[a]), "b_summary": summary(runs[b]),
            "target": target, "target_text": None if target is None else f">= {target}",
            "met": None if target is None or r["median"] is None else r["median"] >= target,
            "note": note}


def versions() -> dict:
    """Versions of Python and the libraries the benchmarks exercise."""
    from zoo import backend

    out = {"python": platform.python_version(), **backend.versions()}
    for module in ("numpy", "keras", "keras_tuner"):
        try:
            mod = __import__(module)
            out[module] = getattr(mod, "__version__", "?")
        except ImportError:  # pragma: no cover
            out[module] = None
    try:
        import zoo

        out["zoo"] = zoo.__version__
    except ImportError:  # pragma: no cover
        out["zoo"] = None
    return out


def machine() -> dict:
    """Facts about the machine: platform, CPU count and model, memory, load, devices."""
    info = {"platform": platform.platform(), "machine": platform.machine(),
            "cpu_count": os.cpu_count(), "python": sys.version.split()[0]}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu_model"] = line.split(":", 1)[1].strip()
                    break
    except OSError:  # pragma: no cover - not Linux
        pass
    try:
        with open("/proc/meminfo") as f:
            total = next(line for line in f if line.startswith("MemTotal"))
        info["memory_gib"] = round(int(total.split()[1]) / 2**20, 1)
    except (OSError, StopIteration):  # pragma: no cover
        pass
    if hasattr(os, "getloadavg"):
        info["load_average_1m_at_start"] = round(os.getloadavg()[0], 2)
    return info


def devices() -> list[str]:
    """Descriptions of the devices the Keras backend sees (see ``zoo.precision.list_devices``)."""
    from zoo.precision import describe_device, list_devices

    return [describe_device(d) for d in list_devices()]


def load_average() -> float | None:
    """The 1-minute load average (how busy the machine was), or ``None``."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
