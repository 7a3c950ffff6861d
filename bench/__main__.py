"""``python -m bench [--quick] [--rows 1,2,...]``: run the benchmark rows side by side.

Prints one table of ratios (median of the interleaved pairs, with min-max), writes
``bench/results/latest.json`` (machine, versions, every figure) and rewrites
``BENCHMARKS.md`` from it and from the hand-written ``bench/results/notes.json``
(the defaults chosen from these measurements, and how to read the rows). Rows not
run this time are carried over from the previous ``latest.json`` with the time they
were measured.

``--quick`` (``make bench-quick``) is a shorter, noisier run: it writes its figures
to ``bench/results/quick.json`` (not tracked by git) and leaves ``latest.json`` and
``BENCHMARKS.md`` alone; only a full run regenerates them.

Rows:
    1. factory overhead (``bench.factory_overhead``)
    2. input pipeline and compilation (``bench.input_pipeline``)
    3. DCGAN train step vs the keras.io example (``bench.dcgan_row`` over
       ``bench.dcgan_vs_keras_io``)
    4. tuner efficiency (``bench.tuner_efficiency``)
    5. distributed tuning, 1 vs 2 workers (``bench.distributed_tuning``)
    6. memory of a 30-trial vs a 5-trial search (``bench.memory``)
    7. the command line's answers without a backend: ``zoo --help``, ``zoo list``...
       (``bench.cli_startup``)
    8. memory of a search over a 20,000-image folder vs a 5,000-image one
       (``bench.image_folder_memory``)
    9. time to 99% validation accuracy on the digits CNN, ASHA vs Hyperband, 1 and 2
       workers (``bench.asha_vs_hyperband``)
    10. spread of the chosen configuration's test accuracy, cv=5 vs one validation split
       (``bench.cv_selection``)

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
#: Where ``--quick`` writes its figures (ignored by git): never over the tracked files.
QUICK_RESULTS = ROOT / "bench" / "results" / "quick.json"
MARKDOWN = ROOT / "BENCHMARKS.md"
#: Hand-written notes rendered with the figures: the defaults chosen from a measurement
#: (``decisions``, each naming the row and results that back it) and how to read the rows.
NOTES = ROOT / "bench" / "results" / "notes.json"

ROWS = {
    1: ("bench.factory_overhead", "Factory overhead vs hand-written keras.Sequential"),
    2: ("bench.input_pipeline", "Input pipeline and compilation"),
    3: ("bench.dcgan_row", "DCGAN train step vs the keras.io example"),
    4: ("bench.tuner_efficiency", "Tuner efficiency (digits CNN)"),
    5: ("bench.distributed_tuning", "Distributed tuning: 2 workers vs 1"),
    6: ("bench.memory", "Memory: 30-trial vs 5-trial search"),
    7: ("bench.cli_startup", "Command line: answers without a backend (wall time)"),
    8: ("bench.image_folder_memory", "Memory: image-folder search vs folder size"),
    9: ("bench.asha_vs_hyperband", "ASHA vs Hyperband: time to 99% val accuracy (digits CNN)"),
    10: ("bench.cv_selection", "Cross-validated trials: cv=5 vs one validation split"),
}
ACCELERATOR = ("bench.accelerator", "Accelerator: float32 vs mixed precision + XLA")

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


def _backend_version(versions: dict) -> str:
    """``"TensorFlow 2.21.0"`` (or the JAX / PyTorch one a run used) from its versions."""
    backend = versions.get("backend", "tensorflow")
    label = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}.get(backend, backend)
    return f"{label} {versions.get(backend)}"


def load_notes(path=None) -> dict:
    """The ``decisions``, ``interpretation`` and ``backends`` of :data:`NOTES` (empty lists
    if absent)."""
    path = NOTES if path is None else path
    notes = json.loads(path.read_text()) if path.exists() else {}
    return {"decisions": notes.get("decisions", []),
            "interpretation": notes.get("interpretation", []),
            "backends": notes.get("backends", [])}


def render_markdown(doc: dict, notes: dict | None = None) -> str:
    """BENCHMARKS.md from a ``latest.json`` document and the notes (default :data:`NOTES`)."""
    notes = load_notes() if notes is None else notes
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
            f"Python {v.get('python')}, {_backend_version(v)}, Keras {v.get('keras')}, "
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
    out += ["", "## Reading the figures", "", *notes["interpretation"], ""]
    out += ["## Defaults chosen from these measurements", ""]
    for decision in notes["decisions"]:
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
    if notes.get("backends"):
        out += ["", "## Backends", "", *notes["backends"]]
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
                   "figures here. `bench/device_check.sh` runs it, with the backend-portable "
                   "tests, on a GPU machine that has JAX and PyTorch but no TensorFlow; it "
                   "has not run yet either, for lack of a GPU.")
    out.append("")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="short run (a few minutes), written to bench/results/quick.json "
                             "only: latest.json and BENCHMARKS.md stay as they are")
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

    import zoo  # noqa: F401 - light; keeps TensorFlow's start-up lines off the terminal
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
    if args.quick:
        doc = {"generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(
                   timespec="seconds"),
               "mode": "quick", "rows_run": rows, "total_seconds": round(total, 1),
               "machine": machine, "load_average_1m_at_end": _timing.load_average(),
               "versions": _timing.versions(), "devices": _timing.devices(),
               "rows": {str(r["row"]): r for r in results}, "accelerator": accel}
        QUICK_RESULTS.parent.mkdir(parents=True, exist_ok=True)
        QUICK_RESULTS.write_text(json.dumps(doc, indent=1, default=str) + "\n")
        print(f"bench: wrote {os.path.relpath(QUICK_RESULTS)} (a quick run: "
              f"{os.path.relpath(RESULTS)} and {os.path.relpath(MARKDOWN)} are left as they "
              "are; `make bench` regenerates them)")
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
