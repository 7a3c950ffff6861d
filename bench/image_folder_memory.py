"""Row 8: resident memory of a search over an image folder, against the folder's size.

An image folder is streamed (``zoo.data.images``): the file list is shuffled,
and the images are decoded batch by batch, so a search should need the same
memory for 20,000 images as for 5,000, and far less than the decoded images
would take. This row generates two folders of 64x64 RGB PNGs (10 class
subfolders; noise images, which PNG cannot compress, so the files are as large
as such images get), runs the same short random search over each in a fresh
process, and compares the peak resident set sizes (``VmHWM``) with the folder's
size on disk and decoded as float32.

Run alone: ``python -m bench.image_folder_memory [--quick]``; ``--keep DIR`` keeps
the generated folders there.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time

TITLE = "Memory: search over an image folder, 20,000 vs 5,000 images"
IMAGE_SIDE = 64
CLASSES = 10
#: A small corner of the CNN search space: the row measures memory, not accuracy.
FIXED = {"conv_blocks": 2, "filters": 32, "dense_units": 128, "batch_norm": False,
         "batch_size": 64}


def make_folder(path: str, images: int, *, side: int = IMAGE_SIDE, seed: int = 0) -> dict:
    """Write ``images`` random ``side`` x ``side`` RGB PNGs into ``CLASSES`` subfolders.

    Returns:
        ``{"images", "bytes", "seconds"}``: the count, the bytes on disk, the time taken.
    """
    import numpy as np
    from PIL import Image

    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    total = 0
    for c in range(CLASSES):
        os.makedirs(os.path.join(path, f"class_{c}"), exist_ok=True)
    for i in range(images):
        label = i % CLASSES
        pixels = rng.integers(0, 256, size=(side, side, 3), dtype=np.uint8)
        pixels[: side // 4, :, label % 3] = 255  # a trace of the class
        file = os.path.join(path, f"class_{label}", f"{i:06d}.png")
        Image.fromarray(pixels, "RGB").save(file)
        total += os.path.getsize(file)
    return {"images": images, "bytes": total, "seconds": round(time.perf_counter() - start, 1)}


def _child(folder: str, directory: str, trials: int) -> dict:
    from bench.memory import peak_rss_mib, rss_mib
    from tuning import run_search

    baseline = rss_mib()
    samples = []
    start = time.perf_counter()
    result = run_search("cnn", folder, "random", max_trials=trials, max_epochs=1,
                        directory=directory, project_name="memory", overwrite=True, seed=0,
                        fixed=FIXED, write_report=False,
                        data_options={"image_size": IMAGE_SIDE, "color_mode": "rgb"},
                        progress=lambda row: samples.append(round(rss_mib(), 1)))
    return {"peak_rss_mib": round(peak_rss_mib(), 1), "rss_before_search_mib": round(baseline, 1),
            "rss_after_trial_mib": samples, "trials": len(result.trials),
            "test_accuracy": result.test_metrics.get("accuracy"),
            "seconds": round(time.perf_counter() - start, 1)}


def run(quick: bool = False, *, smoke: bool = False, keep: str | None = None) -> dict:
    """Measure the row; returns ``{"row", "title", "results", "notes", "details"}``.

    Args:
        quick: 2,000 against 500 images.
        smoke: 200 against 100 images (test suite).
        keep: A directory to keep the folders in (default: a temporary one).
    """
    from bench.memory import growth_row, measure_in_subprocesses, peak_ratio_row

    large, small = (200, 100) if smoke else (2_000, 500) if quick else (20_000, 5_000)
    trials = 1 if smoke else 2
    with tempfile.TemporaryDirectory(prefix="zoo_bench_images_") as tmp:
        root = keep or tmp
        folders = {}
        for n in (large, small):
            folders[n] = os.path.join(root, f"images_{n}")
            if not os.path.isdir(folders[n]):
                make_folder(folders[n], n)
        sizes = {n: sum(os.path.getsize(os.path.join(d, f)) for d, _, files in
                        os.walk(folders[n]) for f in files) for n in folders}
        big, little = measure_in_subprocesses(
            [[folders[large], os.path.join(tmp, "l"), str(trials)],
             [folders[small], os.path.join(tmp, "s"), str(trials)]],
            timeout=3600, module="bench.image_folder_memory")
    mib = 2 ** 20
    decoded = {n: n * IMAGE_SIDE * IMAGE_SIDE * 3 * 4 / mib for n in (large, small)}
    growth = big["peak_rss_mib"] - little["peak_rss_mib"]
    more = large - small
    results = [
        peak_ratio_row(
            f"{large:,} images", f"{small:,} images", big["peak_rss_mib"], little["peak_rss_mib"],
            note=f"peak {big['peak_rss_mib']:.0f} MiB for {large:,} images "
                 f"({sizes[large] / mib:.0f} MiB of PNG files, {decoded[large]:.0f} MiB decoded "
                 f"as float32) vs {little['peak_rss_mib']:.0f} MiB for {small:,} "
                 f"({sizes[small] / mib:.0f} MiB of PNG, {decoded[small]:.0f} MiB decoded); "
                 f"both processes held {big['rss_before_search_mib']:.0f} MiB before the search "
                 f"(Python, TensorFlow, keras-tuner); {big['seconds']:.0f}s and "
                 f"{little['seconds']:.0f}s"),
        growth_row(
            f"peak RSS growth for {more:,} more images", growth,
            note=f"{growth:+.0f} MiB of peak memory for {more:,} more images, whose files take "
                 f"{(sizes[large] - sizes[small]) / mib:.0f} MiB and whose decoded float32 "
                 f"pixels {decoded[large] - decoded[small]:.0f} MiB; RSS after each trial of "
                 f"the {large:,}-image search: "
                 + ", ".join(f"{v:.0f}" for v in big["rss_after_trial_mib"])),
    ]
    return {"row": 8, "title": TITLE, "results": results,
            "details": {"large": dict(big, images=large, folder_bytes=sizes[large]),
                        "small": dict(little, images=small, folder_bytes=sizes[small])},
            "notes": [f"random search over the CNN hypermodel ({trials} trial(s) of 1 epoch, "
                      f"{IMAGE_SIDE}x{IMAGE_SIDE} RGB, fixed {FIXED}, then the refit on "
                      "train+validation and the test evaluation), each folder in a fresh "
                      "process, the two side by side; one run each (memory is not timing "
                      "noise)"]}


def _main(argv) -> int:
    if argv[:1] == ["--child"]:
        print(json.dumps(_child(argv[1], argv[2], int(argv[3]))))
        return 0
    from bench.__main__ import print_rows

    keep = argv[argv.index("--keep") + 1] if "--keep" in argv else None
    row = run(quick="--quick" in argv, keep=keep)
    print_rows([row])
    print(json.dumps(row["details"], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
