"""Row 2: input pipeline and compilation choices, per family, on this machine.

Three paired comparisons for each family (zoo factory models, same data as row 1):

* ``tf.data`` (``from_tensor_slices -> cache -> shuffle -> batch -> prefetch``)
  against NumPy arrays handed to ``fit``;
* ``jit_compile=True`` (XLA) against ``jit_compile=False``;
* ``steps_per_execution=8`` against ``1`` (several train steps per call into the graph).

A ratio above 1 means the first choice trains faster. The one-off cost of the
first epoch (graph tracing, XLA compilation) is reported next to each ratio,
because short tuning trials pay it every time.

Run alone: ``python -m bench.input_pipeline [--quick]``.
"""

from __future__ import annotations

from bench._timing import compare, paired, timed
from bench.factory_overhead import BATCH_SIZE, EPOCHS_PER_CALL, SIZES, data, epoch_throughput

TITLE = "Input pipeline and compilation (samples/s, zoo models, CPU)"
STEPS_PER_EXECUTION = 8


def tf_dataset(x, y, *, seed: int = 0):
    """The recommended pipeline: ``cache -> shuffle -> batch -> prefetch``."""
    import tensorflow as tf

    return (tf.data.Dataset.from_tensor_slices((x, y)).cache()
            .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
            .batch(BATCH_SIZE).prefetch(tf.data.AUTOTUNE))


def _model(family, **compile_kwargs):
    import zoo

    shape = SIZES[family][0]
    build = {"fnn": zoo.build_fnn, "cnn": zoo.build_cnn, "lstm": zoo.build_lstm}[family]
    return build(shape, task="multiclass", num_classes=10, seed=0,
                 compile_kwargs=compile_kwargs or None)


def run(quick: bool = False, *, smoke: bool = False, families=("fnn", "cnn", "lstm")) -> dict:
    """Measure the row; returns ``{"row", "title", "results", "notes"}``.

    Args:
        quick: Smaller data and 5 pairs instead of 7.
        smoke: The smallest size (2 pairs), for the test suite.
        families: Which families to measure.
    """
    import keras

    repeats = 2 if smoke else 5 if quick else 7
    results = []
    for family in families:
        keras.backend.clear_session()
        samples = SIZES[family][3 if smoke else 2 if quick else 1]
        x, y = data(family, samples)
        ds = tf_dataset(x, y)

        per_call = 1 if quick or smoke else EPOCHS_PER_CALL

        def numpy_epoch(net, x=x, y=y, per_call=per_call):
            return epoch_throughput(net, x, y, epochs=per_call)

        def dataset_epoch(net, ds=ds, per_call=per_call):
            return epoch_throughput(net, ds, epochs=per_call)

        def first_epoch(net, fit):
            return timed(lambda: net.fit(*fit, epochs=1, verbose=0,  # seconds, 1st epoch
                                         **({"batch_size": BATCH_SIZE} if len(fit) == 2
                                            else {"shuffle": False})))

        # tf.data vs NumPy: the same model (weights keep training; throughput does not care).
        net = _model(family)
        warm = {"tf.data": first_epoch(net, (ds,)), "numpy": first_epoch(net, (x, y))}
        runs = paired({"tf.data": dataset_epoch(net), "numpy": numpy_epoch(net)}, repeats,
                      warmup=0)
        results.append(compare(f"{family}: tf.data vs numpy", "tf.data", "numpy", runs,
                               unit="samples/s", note=_warm_note(warm)))

        # XLA vs no XLA: two models, NumPy input.
        keras.backend.clear_session()
        xla, plain = _model(family, jit_compile=True), _model(family, jit_compile=False)
        warm = {"jit": first_epoch(xla, (x, y)), "no jit": first_epoch(plain, (x, y))}
        runs = paired({"jit": numpy_epoch(xla), "no jit": numpy_epoch(plain)}, repeats,
                      warmup=0)
        results.append(compare(f"{family}: jit_compile True vs False", "jit", "no jit", runs,
                               unit="samples/s", note=_warm_note(warm)))

        # Several steps per execution vs one.
        keras.backend.clear_session()
        many = _model(family, steps_per_execution=STEPS_PER_EXECUTION)
        one = _model(family)
        label = f"spe={STEPS_PER_EXECUTION}"
        warm = {label: first_epoch(many, (x, y)), "spe=1": first_epoch(one, (x, y))}
        runs = paired({label: numpy_epoch(many), "spe=1": numpy_epoch(one)}, repeats, warmup=0)
        results.append(compare(f"{family}: steps_per_execution {STEPS_PER_EXECUTION} vs 1",
                               label, "spe=1", runs, unit="samples/s", note=_warm_note(warm)))
    return {"row": 2, "title": TITLE, "results": results,
            "notes": ["ratio > 1: the first choice is faster; first-epoch seconds "
                      "(tracing/XLA compilation) in each note",
                      f"data as in row 1, batch {BATCH_SIZE}, "
                      f"{1 if quick or smoke else EPOCHS_PER_CALL} epoch(s) per measured fit call"]}


def _warm_note(first_epochs: dict) -> str:
    return "first epoch " + ", ".join(f"{k} {v:.2f}s" for k, v in first_epochs.items())


if __name__ == "__main__":  # pragma: no cover
    import sys

    from bench.__main__ import print_rows

    print_rows([run(quick="--quick" in sys.argv)])
