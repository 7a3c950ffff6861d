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
    first = outs[0]
    shape = "x".join(map(str, first.get("image_shape", [])))
    default = _result(outs, f"DCGAN {shape}, batch {first.get('batch_size')}: zoo / keras.io",
                      "zoo", "keras_io", target=TARGET,
                      note=f"{calls} calls of bench.dcgan_vs_keras_io.run(quick=True), each "
                           f"{first.get('images_per_side')} images per side, alternating; zoo "
                           f"jit_compile={first.get('jit_compile')}")
    results = [default]
    if all("zoo_plain_images_per_second" in o for o in outs):  # the zoo GAN without extras
        results.append(_result(
            outs, "DCGAN, zoo plain (no augmentation/averaging) / keras.io", "zoo_plain",
            "keras_io", target=TARGET,
            note="same calls; see bench/dcgan_vs_keras_io.py for what 'plain' leaves out"))
    if all("keras_io_as_written_images_per_second" in o for o in outs):  # no training=True
        results.append(_result(
            outs, "DCGAN, zoo / keras.io exactly as written (no training=True)", "zoo",
            "keras_io_as_written",
            note="same calls; the example names no training mode, so in Keras 3 its dropout "
                 "is off and the generator's batch norm runs on moving statistics: less "
                 "work, and not the network being trained"))
    return {"row": 3, "title": TITLE, "results": results, "details": outs,
            "notes": ["measurement by bench/dcgan_vs_keras_io.py (the DCGAN's own script); "
                      "the keras.io side generates the fake batch twice per step and calls "
                      "its networks with training=True (the reference a correct "
                      "reimplementation gives)"]}


def _result(outs, name, a, b, *, note, target=None):
    """One table line: side ``a`` over side ``b`` (keys ``<side>_images_per_second``)."""
    a_rates = [o[f"{a}_images_per_second"] for o in outs]
    b_rates = [o[f"{b}_images_per_second"] for o in outs]
    ratio = summary([x / y for x, y in zip(a_rates, b_rates, strict=True)])
    result = {"name": name, "unit": "x", "ratio": ratio,
              "a": a.replace("_", " ").replace("keras io", "keras.io"),
              "b": b.replace("_", " ").replace("keras io", "keras.io"), "side_unit": "images/s",
              "best_of_ratio": max(a_rates) / max(b_rates),
              "a_summary": summary(a_rates), "b_summary": summary(b_rates), "note": note}
    if target is not None:
        result.update({"target": target, "target_text": f">= {target}",
                       "met": None if ratio["median"] is None else ratio["median"] >= target})
    return result


if __name__ == "__main__":  # pragma: no cover
    import sys

    from bench.__main__ import print_rows

    print_rows([run(quick="--quick" in sys.argv)])
