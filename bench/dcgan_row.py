"""Row 3: the zoo DCGAN's train step against the keras.io example's, as paired runs.

The measurement itself is ``bench.dcgan_vs_keras_io.run`` (written with the
DCGAN): one call trains both GANs alternately (same architecture, data and batch
size) and returns the ratio of images/s, zoo / keras.io. This row repeats short
calls so the table gets a median and a min-max over several pairs. Target: 1.3x.
"""

from __future__ import annotations

from bench._timing import summary

TITLE = "DCGAN train step: zoo vs the keras.io example (images/s)"
TARGET = 1.3


def run(quick: bool = False, *, smoke: bool = False) -> dict:
    """Measure the row; returns ``{"row", "title", "results", "notes"}``.

    Args:
        quick: 1 call of the short measurement (full: 5).
        smoke: 1 call.

    Raises:
        bench.__main__.NotAvailable: ``bench.dcgan_vs_keras_io`` is missing.
    """
    try:
        from bench import dcgan_vs_keras_io
    except ModuleNotFoundError as exc:
        from bench.__main__ import NotAvailable

        raise NotAvailable(f"bench/dcgan_vs_keras_io.py is missing ({exc})") from None
    calls = 1 if smoke or quick else 5
    outs = [dcgan_vs_keras_io.run(quick=True) for _ in range(calls)]
    ratios = [o["ratio"] for o in outs]
    r = summary(ratios)
    first = outs[0]
    result = {
        "name": f"DCGAN {'x'.join(map(str, first.get('image_shape', [])))}, batch "
                f"{first.get('batch_size')}: zoo / keras.io", "unit": "x", "ratio": r,
        "best_of_ratio": max(o["zoo_images_per_second"] for o in outs)
        / max(o["keras_io_images_per_second"] for o in outs),
        "a": "zoo", "b": "keras.io", "side_unit": "images/s",
        "a_summary": summary([o["zoo_images_per_second"] for o in outs]),
        "b_summary": summary([o["keras_io_images_per_second"] for o in outs]),
        "target": TARGET, "target_text": f">= {TARGET}",
        "met": None if r["median"] is None else r["median"] >= TARGET,
        "note": f"{calls} calls of bench.dcgan_vs_keras_io.run(quick=True), each "
                f"{first.get('images_per_side')} images per side, alternating; zoo "
                f"jit_compile={first.get('jit_compile')}"}
    results = [result]
    if all("plain_ratio" in o for o in outs):  # the zoo GAN without its extras
        plain = summary([o["plain_ratio"] for o in outs])
        results.append({
            "name": "DCGAN, zoo plain (no augmentation/averaging) / keras.io", "unit": "x",
            "ratio": plain, "a": "zoo plain", "b": "keras.io", "side_unit": "images/s",
            "best_of_ratio": max(o["zoo_plain_images_per_second"] for o in outs)
            / max(o["keras_io_images_per_second"] for o in outs),
            "a_summary": summary([o["zoo_plain_images_per_second"] for o in outs]),
            "b_summary": result["b_summary"], "target": TARGET, "target_text": f">= {TARGET}",
            "met": None if plain["median"] is None else plain["median"] >= TARGET,
            "note": "same calls; see bench/dcgan_vs_keras_io.py for what 'plain' leaves out"})
    if all("as_written_ratio" in o for o in outs):  # the example without training=True
        written = summary([o["as_written_ratio"] for o in outs])
        results.append({
            "name": "DCGAN, zoo / keras.io exactly as written (no training=True)", "unit": "x",
            "ratio": written, "a": "zoo", "b": "keras.io as written", "side_unit": "images/s",
            "best_of_ratio": max(o["zoo_images_per_second"] for o in outs)
            / max(o["keras_io_as_written_images_per_second"] for o in outs),
            "a_summary": result["a_summary"],
            "b_summary": summary([o["keras_io_as_written_images_per_second"] for o in outs]),
            "note": "same calls; the example names no training mode, so in Keras 3 its dropout "
                    "is off and the generator's batch norm runs on moving statistics: less "
                    "work, and not the network being trained"})
    return {"row": 3, "title": TITLE, "results": results, "details": outs,
            "notes": ["measurement by bench/dcgan_vs_keras_io.py (the DCGAN's own script); "
                      "the keras.io side generates the fake batch twice per step and calls "
                      "its networks with training=True (the reference a correct "
                      "reimplementation gives)"]}


if __name__ == "__main__":  # pragma: no cover
    import sys

    from bench.__main__ import print_rows

    print_rows([run(quick="--quick" in sys.argv)])
