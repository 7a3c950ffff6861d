"""``python -m bench [--quick] [--rows 1,2,...]``: run the benchmark rows side by side.

Prints one table of ratios (median of the interleaved pairs, with min-max), writes
``bench/results/latest.json`` (machine, versions, every figure) and rewrites
``BENCHMARKS.md``. Rows not run this time are carried over from the previous
``latest.json`` with the time they were measured.

Rows:
    1. factory overhead (``bench.factory_overhead``)
    2. input pipeline and compilation (``bench.input_pipeline``)
    3. DCGAN train step vs the keras.io example (``bench.dcgan_row`` over
       ``bench.dcgan_vs_keras_io``)
    4. tuner efficiency (``bench.tuner_efficiency``)
    5. distributed tuning, 1 vs 2 workers (``bench.distributed_tuning``)
    6. memory of a 30-trial vs a 5-trial search (``bench.memory``)

``--accelerator`` also runs ``bench.accelerator`` (images/s in float32 vs mixed
precision + XLA; meant for a GPU/TPU host).
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"
MARKDOWN = ROOT / "BENCHMARKS.md"

ROWS = {
    1: ("bench.factory_overhead", "Factory overhead vs hand-written keras.Sequential"),
    2: ("bench.input_pipeline", "Input pipeline and compilation"),
    3: ("bench.dcgan_row", "DCGAN train step vs the keras.io example"),
    4: ("bench.tuner_efficiency", "Tuner efficiency (digits CNN)"),
    5: ("bench.distributed_tuning", "Distributed tuning: 2 workers vs 1"),
    6: ("bench.memory", "Memory: 30-trial vs 5-trial search"),
}
ACCELERATOR = ("bench.accelerator", "Accelerator: float32 vs mixed precision + XLA")

#: Defaults chosen because of a measurement: each names the result that backs it,
#: and BENCHMARKS.md prints that result's figure from the same run.
DECISIONS = [
    {"default": "`jit_compile` left at Keras' `\"auto\"` (no XLA on CPU, XLA on GPU/TPU)",
     "where": "zoo/models/_compile.py (unchanged)", "row": 2,
     "results": ["fnn: jit_compile True vs False", "cnn: jit_compile True vs False",
                 "lstm: jit_compile True vs False"],
     "why": "XLA on this 2-core CPU is not a consistent gain and adds seconds of compilation "
            "to every new model (every tuning trial): the CNN is slower with it in every run "
            "(0.45x under load, 0.55x and 0.52x in two quiet runs); the LSTM was 0.82x under "
            "load and 1.76x and 1.2x in the quiet runs, so long LSTM trainings may pass "
            "`jit_compile=True`"},
    {"default": "`zoo.train` (and `zoo train`) feeds `fit` a tf.data pipeline "
                "(cache, seeded shuffle, batch, prefetch) instead of NumPy arrays",
     "where": "zoo/training.py, `input_pipeline`", "row": 2,
     "results": ["fnn: tf.data vs numpy", "cnn: tf.data vs numpy", "lstm: tf.data vs numpy"],
     "why": "a gain or even for every family in three full runs on this CPU, never a "
            "consistent loss: FNN 0.99x, 1.73x and 1.23x, CNN 1.47x, 1.14x and 1.00x, LSTM "
            "1.35x, 0.91x and 1.16x (the first run under load, the last one below)"},
    {"default": "`steps_per_execution` left at 1",
     "where": "zoo/models/_compile.py (unchanged)", "row": 2,
     "results": ["fnn: steps_per_execution 8 vs 1", "cnn: steps_per_execution 8 vs 1",
                 "lstm: steps_per_execution 8 vs 1"],
     "why": "it helps the small FNN (per-step overhead dominates: 1.86-2.3x), but it is "
            "not a consistent gain for the CNN (0.82-1.06x across runs) and the LSTM (0.39x "
            "in a quick run, 1.07-1.7x in full runs), and above 1 the batch-level callbacks "
            "(zoo.callbacks' gradient monitors, progress bars) see only every 8th batch; pass "
            "`compile_kwargs={'steps_per_execution': 8}` for small dense models"},
    {"default": "Hyperband continues parent trials' compiled models (`make_tuner(..., "
                "reuse_models=True)`) instead of keras-tuner's rebuild",
     "where": "tuning/reuse.py, `ParentModelCache`", "row": 4,
     "results": ["hyperband: tuner overhead (time outside fit)"],
     "why": "with the rebuild, tracing was 55.0% of a Hyperband search's time and the "
            "overhead outside fit 10.1% (full run of 2026-11-23T13:07, under load); the trial "
            "scores are identical (tests/tuning/test_reuse.py), and the default `zoo tune cnn "
            "--data digits --algorithm hyperband` went from 2:00 to 1:25 end to end, same "
            "99.63%"},
    {"default": "one full garbage collection per trial only while collections stay under 0.5% "
                "of the search's time (keras-tuner: two per trial)",
     "where": "tuning/cleanup.py, `GC_BUDGET`", "row": 4,
     "results": ["hyperband: tuner overhead (time outside fit)",
                 "random: tuner overhead (time outside fit)"],
     "why": "each full collection cost 0.1-0.25 s with TensorFlow loaded: about 8% of a "
            "Hyperband search of 1-epoch trials (profiled, one collection per trial); with "
            "the budget, Hyperband's overhead went from 6.9% to 5.1% together with skipping "
            "checkpoint reloads that would restore the weights already in memory; memory "
            "stays bounded (row 6)"},
    {"default": "the compiled metrics, loss and optimizer are built from the data's shapes "
                "before `fit` (`zoo.build_training_state`) in `zoo.train` and the tuning "
                "hypermodels' `fit`",
     "where": "zoo/models/_compile.py; zoo/training.py, tuning/hypermodels.py", "row": 4,
     "results": ["time to 97.5%: random / hyperband", "hyperband: tuner overhead (time "
                 "outside fit)"],
     "why": "on TensorFlow without a distribution strategy, Keras 3 creates them while "
            "tracing the first train step, which makes TensorFlow trace the step twice; built "
            "beforehand, the first epoch of a fresh digits CNN takes 0.56 s instead of 0.83 s "
            "(median of 7, validation included) with the same numbers "
            "(tests/zoo/test_training_state.py); it is most of a 1-epoch Hyperband trial"},
    {"default": "tuning trials keep TensorFlow's eager kernel cache across the per-trial "
                "seeding and `clear_session` (flushed with the budgeted garbage collections)",
     "where": "zoo/backend/tensorflow.py `eager_kernels_kept`; tuning/hypermodels.py, tuning/cleanup.py",
     "row": 4, "results": ["hyperband: tuner overhead (time outside fit)"],
     "why": "`tf.random.set_seed` and `clear_session` flush the cache, after which every eager "
            "op instantiates its kernel again: a variable cost 0.7 ms instead of 0.13 ms, and "
            "building the digits CNN 34 ms instead of 25 ms; with that and the optimizer "
            "snapshot taken inside fit (where Keras builds it), Hyperband's overhead went from "
            "6.6% to about 4% (the same trial scores; memory stays flat, row 6)"},
    {"default": "the DCGAN's translation augmentation as two batched one-hot matrix products "
                "(was `take_along_axis` gathers), its weight average by `assign_sub`",
     "where": "zoo/models/dcgan.py", "row": 3,
     "results": ["DCGAN 16x16x1, batch 64: zoo / keras.io"],
     "why": "the gathers and their scatter gradients cost about 20% of a step on this CPU; "
            "the same distribution of shifts and exact gradients (tests/zoo/test_dcgan.py)"},
    {"default": "the tuners unregister the `tf.custom_gradient` functions earlier trials' "
                "train steps registered, before each trial",
     "where": "zoo/backend/tensorflow.py `drop_custom_gradients`; tuning/cleanup.py", "row": 6,
     "results": ["peak RSS 30 trials / 5 trials",
                 "RSS growth per trial (second half of the long search)"],
     "why": "TensorFlow's gradient registry kept every trial's traced graph alive: a 30-trial "
            "search peaked at 1.18x a 5-trial one, +5.0 MiB per trial; with the entries "
            "dropped, 1.06-1.07x and +1.5-1.8 MiB (every trained model still trains, predicts and "
            "reloads: tests/zoo/test_custom_gradient_leak.py)"},
    {"default": "`mixed_precision=None` on the factories (`\"auto\"` on request)",
     "where": "zoo/precision.py, zoo/models/*.py", "row": None, "results": [],
     "why": "on a CPU `\"auto\"` resolves to float32; mixed precision is only a gain on "
            "GPUs with compute capability >= 7.0 and TPUs, not measured here yet "
            "(bench/accelerator.py)"},
]


#: What the rows measure and the mechanisms behind them (figures are in the table).
INTERPRETATION = [
    "- Row 1 compares identical networks, so a ratio away from 1 is noise unless it repeats; "
    "the A/A control (the same factory against itself) gives the noise floor of the run.",
    "- Row 2: Keras already wraps NumPy arrays in a tf.data pipeline, but it slices and "
    "shuffles the arrays again every epoch; a cached pipeline does that work once. XLA on CPU "
    "adds seconds of compilation per model (see the first-epoch notes) and is slower for "
    "convolutions, so Keras' `jit_compile=\"auto\"` (off on CPU) stays.",
    "- Row 3: the zoo step generates each fake batch once (the keras.io step twice), and its "
    "extras are cheap: the translation is two batched one-hot matrix products, the weight "
    "average one `assign_sub` per weight. The reference calls its networks with "
    "`training=True`; the keras.io example as written does not, so in Keras 3 its dropout is "
    "off and batch norm uses moving statistics (the third line: a cheaper, different network).",
    "- Row 4: on digits many configurations reach 97.5% within a few epochs, so a random "
    "search often gets there within its first trials, while Hyperband's first bracket spends its "
    "time on many 1-epoch trials, each paying model building and graph tracing (the tracing "
    "share in the notes, about half of a Hyperband search; at most 0.5 s per new model here). "
    "The second target, 99% (at most 2 of the 270 validation images wrong), is one only the best "
    "configurations reach, and there Hyperband's early stopping of weak trials pays: it got "
    "there first on each of the 3 seeds. Over two more seeds (4 and 5, an exploratory run with "
    "a 60 s cap) Hyperband reached 99% in 45 and 16 s, random search in more than 60 and in "
    "3.5 s, so over 5 seeds the median ratio is about 1.4x; within 60 s Hyperband reached 99% "
    "in all 5 searches, random search in 2. "
    "The zoo's Hyperband no longer rebuilds and re-traces the models it continues "
    "(`tuning.reuse.ParentModelCache`), traces each new model's train step once instead of "
    "twice (`zoo.build_training_state`), keeps TensorFlow's kernel cache between trials and "
    "collects garbage on a 0.5% budget, but tracing every new model stays. The overhead figure "
    "counts everything outside `model.fit` (building and compiling new models, reloading "
    "checkpoints, the oracle, clean-up); keras-tuner's checkpoint writes happen inside `fit` "
    "and are not in it.",
    "- Row 5 needs two free cores to scale; with other processes on the machine the two "
    "workers compete with them and with each other. Each worker pays TensorFlow's start-up "
    "(about 2.5 s of importing); the second line (2 x the median trial time with 1 worker / "
    "with 2) is the ratio without it. Two trials side by side on the 2 cores train at 1.6-1.75x "
    "the rate of one trial on both, and a 48-trial search measured 1.52x (its trial throughput "
    "1.58x), so a longer search does not reach 1.6x here. Both lines time the search alone "
    "(`search_seconds`), without the final model that follows it whatever the number of "
    "workers.",
    "- Row 6: every traced Keras train step registers a `tf.custom_gradient` function (the "
    "optimizer's gradient all-reduce) in TensorFlow's global gradient registry, which never "
    "removes it, so each trial's graph outlived `clear_session` (about 5 MiB per trial, the "
    "growth measured before; tensorflow/tensorflow#80895). The zoo's tuners unregister earlier "
    "trials' entries before each trial (`zoo.backend.tensorflow.drop_custom_gradients`) and the graphs go "
    "with the next (budgeted) collection, which is why the RSS list saw-tooths. Python's "
    "objects now stay flat across trials; the growth left is TensorFlow's native memory. "
    "Peaks are read from `VmHWM` in each child process (`ru_maxrss` would report the "
    "parent's peak).",
]


class NotAvailable(RuntimeError):
    """Raised by a row whose prerequisite (a module, an API) is missing."""


def parse_rows(text: str | None) -> list[int]:
    """``"1,2,5"`` -> ``[1, 2, 5]`` (all rows when ``None``)."""
    if not text:
        return sorted(ROWS)
    rows = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            row = int(part)
        except ValueError:
            raise SystemExit(f"bench: --rows takes numbers 1-{len(ROWS)}, got {part!r}") from None
        if row not in ROWS:
            raise SystemExit(f"bench: no row {row}; rows are 1-{len(ROWS)}")
        rows.append(row)
    return rows


def run_row(number: int, quick: bool, *, module_name: str | None = None) -> dict:
    """Run one row's module and return its result dict (never raises)."""
    module_name, title = (module_name, ACCELERATOR[1]) if module_name else ROWS[number]
    started = time.perf_counter()
    stamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    base = {"row": number, "title": title, "module": module_name, "measured_at": stamp,
            "mode": "quick" if quick else "full", "results": [], "notes": [],
            "load_average_at_start": _load()}
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return dict(base, status=f"not available: {module_name} does not exist yet",
                    seconds=0.0)
    try:
        out = module.run(quick)
        out = normalize(out, title)
        status = out.pop("status", "ok")
    except NotAvailable as exc:
        out, status = {}, f"not available: {exc}"
    except Exception as exc:  # noqa: BLE001 - one broken row must not lose the others
        traceback.print_exc()
        out, status = {}, f"failed: {type(exc).__name__}: {exc}"
    row = dict(base, **{k: v for k, v in out.items() if k not in ("row", "module")})
    row.update(status=status, seconds=round(time.perf_counter() - started, 1),
               load_average_at_end=_load())
    return row


def _load():
    from bench._timing import load_average

    return load_average()


def normalize(out, title: str) -> dict:
    """Accept a row module's output in the shapes we know and return the common one.

    The common shape is ``{"title", "results": [result, ...], "notes": [...]}`` where
    a result has ``name``, ``unit`` and either ``ratio`` or ``value`` (a summary dict
    with ``median``, ``min``, ``max``, ``n``), plus ``target``/``target_text``/``met``.
    A flat dict with a numeric ``ratio`` (and optionally ``ratio_min``,
    ``ratio_max``, ``pairs``/``n``, ``target``) becomes one result.
    """
    if not isinstance(out, dict):
        raise TypeError(f"row returned {type(out).__name__}, expected a dict")
    if "results" in out:
        out.setdefault("title", title)
        out.setdefault("notes", [])
        return out
    ratio = out.get("ratio")
    if isinstance(ratio, (int, float)):
        values = out.get("ratios") or []
        summary = {"median": float(ratio),
                   "min": out.get("ratio_min", min(values) if values else None),
                   "max": out.get("ratio_max", max(values) if values else None),
                   "n": out.get("pairs", out.get("n", len(values) or None))}
    elif isinstance(ratio, dict):
        summary = ratio
    else:
        raise TypeError(f"row returned no 'results' list and no 'ratio': {sorted(out)}")
    target = out.get("target")
    result = {"name": out.get("name", title), "unit": out.get("unit", "ratio"),
              "ratio": summary, "target": target,
              "target_text": f">= {target}" if target is not None else None,
              "met": None if target is None else summary["median"] >= target,
              "note": out.get("note", ""),
              "details": {k: v for k, v in out.items() if k not in ("ratio", "target")}}
    return {"title": title, "results": [result], "notes": list(out.get("notes", []))}


def _fmt(value, unit="") -> str:
    if value is None:
        return "-"
    if unit == "%":
        return f"{100 * value:.1f}%"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


def result_line(result: dict) -> list[str]:
    """Cells of one table line: name, figure, min-max, n, target, met, sides."""
    if "ratio" in result:
        fig, unit = result["ratio"], "x"
    else:
        fig, unit = result["value"], result.get("unit", "")
    median = _fmt(fig.get("median"), unit if unit == "%" else "")
    spread = (f"{_fmt(fig.get('min'), unit if unit == '%' else '')}-"
              f"{_fmt(fig.get('max'), unit if unit == '%' else '')}")
    figure = f"{median}{'x' if unit == 'x' else '' if unit == '%' else ' ' + unit}"
    target = result.get("target_text") or (
        f">= {result['target']}" if result.get("target") is not None else "")
    met = {True: "yes", False: "NO", None: ""}[result.get("met")]
    sides = ""
    if "a_summary" in result:
        sides = (f"{result['a']} {_fmt(result['a_summary']['median'])} vs {result['b']} "
                 f"{_fmt(result['b_summary']['median'])} {result.get('side_unit', result.get('unit', ''))}")
    best = result.get("best_of_ratio")
    best_text = "-" if best is None else f"{best:.3g}x"
    return [result["name"], figure, spread, str(fig.get("n") or "-"), target, met, best_text,
            sides]


def print_rows(rows: list[dict], file=None) -> None:
    """Print the table of every row to ``file`` (stdout)."""
    file = file or sys.stdout
    header = ["comparison", "median", "min-max", "n", "target", "met", "best-of", "medians"]
    for row in rows:
        print(f"\n== Row {row.get('row')}: {row.get('title')} "
              f"[{row.get('status', 'ok')}, {row.get('seconds', 0):.0f}s]", file=file)
        lines = [result_line(r) for r in row.get("results", [])]
        if not lines:
            continue
        widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
        print("  " + "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
              file=file)
        for line in lines:
            print("  " + "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)),
                  file=file)
        for note in row.get("notes", []):
            print(f"  note: {note}", file=file)


def _find(rows: dict, number, name):
    row = rows.get(str(number)) or rows.get(number)
    for result in (row or {}).get("results", []):
        if result["name"] == name:
            return result
    return None


def render_markdown(doc: dict) -> str:
    """BENCHMARKS.md from a ``latest.json`` document."""
    rows = doc["rows"]
    out = ["# Benchmarks", "",
           "Generated by `python -m bench` (`make bench`; `make bench-quick` for the short run) "
           "from `bench/results/latest.json`; do not edit by hand. Every figure compares two "
           "things on the same work in the same run, measured interleaved (A, B, B, A...): "
           "the median of the per-pair ratios, with min-max and the number of pairs, and "
           "best-of: the ratio of each side's best run, the one least disturbed by other "
           "processes. Above 1 means the first-named side is better.", ""]
    m, v = doc["machine"], doc["versions"]
    row_seconds = sum(r.get("seconds", 0) for r in rows.values())
    rows_run = ", ".join(str(r) for r in doc.get("rows_run", []))
    out += [f"Last run: {doc['generated_at']} (rows {rows_run}, {doc['mode']} mode, "
            f"{doc['total_seconds']:.0f} s; all rows below together took {row_seconds:.0f} s). "
            f"Machine: {m.get('cpu_model', m.get('machine'))}, {m.get('cpu_count')} CPU cores, "
            f"{m.get('memory_gib', '?')} GiB; devices: {', '.join(doc.get('devices', []))}; "
            f"load average at start {m.get('load_average_1m_at_start')}. "
            f"Python {v.get('python')}, TensorFlow {v.get('tensorflow')}, Keras {v.get('keras')}, "
            f"keras-tuner {v.get('keras_tuner')}, NumPy {v.get('numpy')}.", ""]
    if doc.get("noise_note"):
        out += [doc["noise_note"], ""]
    out += ["| row | comparison | median | min-max | n | target | met | best-of | medians |",
            "|---|---|---|---|---|---|---|---|---|"]
    for key in sorted(rows, key=int):
        row = rows[key]
        status = row.get("status", "ok")
        lines = [result_line(r) for r in row.get("results", [])]
        if not lines:
            out.append(f"| {key} | {row['title']} | {status} | | | | | | |")
        for line in lines:
            out.append(f"| {key} | " + " | ".join(c.replace("|", "/") for c in line) + " |")
    out.append("")
    for key in sorted(rows, key=int):
        row = rows[key]
        out += [f"## Row {key}: {row['title']}", "",
                f"Status: {row.get('status', 'ok')}; {row.get('mode')} mode, measured "
                f"{row.get('measured_at')} in {row.get('seconds', 0):.0f} s "
                f"(`{row.get('module')}`); 1-minute load average "
                f"{row.get('load_average_at_start')} at start, "
                f"{row.get('load_average_at_end')} at end ({doc['machine'].get('cpu_count')} "
                "cores).", ""]
        for note in row.get("notes", []):
            out.append(f"- {note}")
        for result in row.get("results", []):
            if result.get("note"):
                out.append(f"- {result['name']}: {result['note']}")
        out.append("")
    out += ["## Targets", ""]
    for key in sorted(rows, key=int):
        for result in rows[key].get("results", []):
            if result.get("met") is None:
                continue
            line = result_line(result)
            verdict = "met" if result["met"] else "NOT met"
            out.append(f"- Row {key}, {result['name']}: {line[1]} against {line[4]}: {verdict}.")
    out += ["", "## Reading the figures", "", *INTERPRETATION, ""]
    out += ["## Defaults chosen from these measurements", ""]
    for decision in DECISIONS:
        figures = []
        for name in decision["results"]:
            result = _find(rows, decision["row"], name)
            if result is not None:
                line = result_line(result)
                figures.append(f"{name}: {line[1]} ({line[2]}; best-of {line[6]})")
        figure_text = "; ".join(figures) if figures else "no figure in this run"
        out.append(f"- {decision['default']} ({decision['where']}): {decision['why']}. "
                   f"Measured (row {decision['row']}): {figure_text}."
                   if decision["row"] else
                   f"- {decision['default']} ({decision['where']}): {decision['why']}.")
    out += ["", "## Accelerators", ""]
    accel = doc.get("accelerator")
    if accel and accel.get("results"):
        out.append(f"`bench/accelerator.py` ran on {accel.get('device')} "
                   f"({accel.get('measured_at')}):")
        out.append("")
        for result in accel["results"]:
            line = result_line(result)
            out.append(f"- {line[0]}: {line[1]} ({line[2]}, n={line[3]}); {line[7]}")
        if "GPU" not in str(accel.get("device")) and "TPU" not in str(accel.get("device")):
            out += ["", "That run was on a CPU; it has not been run on an accelerator yet."]
    else:
        out.append("`bench/accelerator.py` (images/s of the CNN at 28x28 and the DCGAN at "
                   "64x64, float32 vs mixed precision + XLA) has not been run on an "
                   "accelerator yet: no GPU or TPU was available. Run `python -m "
                   "bench.accelerator` on one and `python -m bench --accelerator` records the "
                   "figures here.")
    out.append("")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="short run (under 3 minutes)")
    parser.add_argument("--rows", help="comma-separated row numbers (default: all)")
    parser.add_argument("--accelerator", action="store_true",
                        help="also run bench/accelerator.py (for GPU/TPU hosts)")
    parser.add_argument("--note", help="a sentence about the conditions of this run, printed "
                        "under the machine line of BENCHMARKS.md (e.g. other jobs running)")
    parser.add_argument("--render", action="store_true",
                        help="only rewrite BENCHMARKS.md from bench/results/latest.json")
    parser.add_argument("--no-write", action="store_true",
                        help="print only; do not touch latest.json or BENCHMARKS.md")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if args.render:
        doc = json.loads(RESULTS.read_text())
        if args.note is not None:
            doc["noise_note"] = args.note
            RESULTS.write_text(json.dumps(doc, indent=1, default=str) + "\n")
        MARKDOWN.write_text(render_markdown(doc))
        print(f"bench: rewrote {os.path.relpath(MARKDOWN)} from {os.path.relpath(RESULTS)}")
        return 0
    rows = parse_rows(args.rows)

    from bench import _timing

    started = time.perf_counter()
    machine = _timing.machine()
    results = []
    for number in rows:
        print(f"bench: row {number} ({ROWS[number][1]})...", flush=True)
        results.append(run_row(number, args.quick))
        print_rows(results[-1:])
    accel = None
    if args.accelerator:
        accel = run_row(0, args.quick, module_name=ACCELERATOR[0])
        print_rows([accel])
    total = time.perf_counter() - started
    print(f"\nbench: {len(results)} row(s) in {total:.0f} s")
    print_rows(results)
    if args.no_write:
        return 0

    previous = {}
    if RESULTS.exists():
        try:
            previous = json.loads(RESULTS.read_text())
        except ValueError:
            previous = {}
    merged = dict(previous.get("rows", {}))
    merged.update({str(r["row"]): r for r in results})
    doc = {"generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(
               timespec="seconds"),
           "mode": "quick" if args.quick else "full", "rows_run": rows,
           "total_seconds": round(total, 1), "machine": machine,
           "load_average_1m_at_end": _timing.load_average(),
           "versions": _timing.versions(), "devices": _timing.devices(), "rows": merged,
           "accelerator": accel or previous.get("accelerator"),
           "noise_note": args.note if args.note is not None else previous.get("noise_note")}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(doc, indent=1, default=str) + "\n")
    MARKDOWN.write_text(render_markdown(doc))
    print(f"bench: wrote {os.path.relpath(RESULTS)} and {os.path.relpath(MARKDOWN)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
