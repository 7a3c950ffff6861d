"""Row 1: training throughput of the zoo factories against hand-written ``keras.Sequential``.

For each family (``build_fnn``, ``build_cnn``, ``build_lstm``) the hand-written model
has exactly the layers the factory builds (same widths, activations as separate
layers, float32 head) and is compiled with the same optimizer, loss and metrics,
so the ratio isolates what the factory adds. Each measurement is one ``fit``
call of ``EPOCHS_PER_CALL`` epochs on the same synthetic data; zoo and
hand-written calls are interleaved.

Target: zoo / hand-written samples/s >= 0.98.

Run alone: ``python -m bench.factory_overhead [--quick]``.
"""

from __future__ import annotations

import numpy as np

from bench._timing import compare, paired, timed

TITLE = "Factory overhead: zoo factory vs hand-written keras.Sequential (samples/s)"
TARGET = 0.98

#: family -> (input_shape, samples full, samples quick, samples smoke)
SIZES = {
    "fnn": ((64,), 8192, 2048, 256),
    "cnn": ((28, 28, 1), 1536, 384, 64),
    "lstm": ((20, 8), 2048, 512, 64),
}
NUM_CLASSES = 10
BATCH_SIZE = 32
#: Epochs per measured ``fit`` call (per-call set-up is then a small part of it).
EPOCHS_PER_CALL = 4


def data(family: str, samples: int, seed: int = 0):
    """Synthetic inputs of the family's shape and integer labels."""
    rng = np.random.default_rng(seed)
    shape = SIZES[family][0]
    x = rng.normal(size=(samples, *shape)).astype("float32")
    y = rng.integers(0, NUM_CLASSES, size=samples).astype("int32")
    return x, y


def zoo_model(family: str):
    """The zoo factory's model with its default architecture."""
    import zoo

    shape = SIZES[family][0]
    build = {"fnn": zoo.build_fnn, "cnn": zoo.build_cnn, "lstm": zoo.build_lstm}[family]
    return build(shape, task="multiclass", num_classes=NUM_CLASSES, seed=0)


def hand_model(family: str, like):
    """The same network written by hand as a ``keras.Sequential``, compiled like ``like``."""
    import keras
    from keras import layers

    shape = SIZES[family][0]
    if family == "fnn":  # build_fnn defaults: hidden_units=(64, 32), relu
        body = [layers.Dense(64), layers.Activation("relu"),
                layers.Dense(32), layers.Activation("relu")]
    elif family == "cnn":  # build_cnn defaults: filters=(32, 64), 3x3 same, max pool, dense 128
        body = [layers.Conv2D(32, 3, padding="same"), layers.Activation("relu"),
                layers.MaxPooling2D(2),
                layers.Conv2D(64, 3, padding="same"), layers.Activation("relu"),
                layers.MaxPooling2D(2),
                layers.Flatten(), layers.Dense(128), layers.Activation("relu")]
    else:  # build_lstm defaults: units=(64,), tanh
        body = [layers.LSTM(64)]
    model = keras.Sequential([keras.Input(shape), *body,
                              layers.Dense(NUM_CLASSES, activation="softmax", dtype="float32")])
    model.compile(optimizer=keras.optimizers.Adam(), loss=like.loss,
                  metrics=_metric_names(like))
    return model


def _metric_names(model):
    """The metrics ``model`` was compiled with, as names/objects ``compile`` accepts."""
    compiled = getattr(model, "_compile_config", None)
    if compiled is not None:
        return compiled.config.get("metrics")
    return ["accuracy"]


def epoch_throughput(net, x, y=None, *, epochs: int = EPOCHS_PER_CALL):
    """A function that trains ``net`` ``epochs`` epochs on ``x``; it returns samples/s.

    With ``y=None``, ``x`` is a ``tf.data.Dataset`` of batches and its size is counted once.
    """
    if y is None:
        seen = epochs * sum(int(b[0].shape[0]) for b in x)
        return lambda: seen / timed(lambda: net.fit(x, epochs=epochs, verbose=0, shuffle=False))
    return lambda: epochs * len(x) / timed(lambda: net.fit(x, y, batch_size=BATCH_SIZE,
                                                           epochs=epochs, verbose=0))


def _check_same_layers(zoo_net, hand_net):
    counts = (zoo_net.count_params(), hand_net.count_params())
    if counts[0] != counts[1]:
        raise AssertionError(f"zoo and hand-written models differ: {counts} parameters")
    return counts[0]


def run(quick: bool = False, *, smoke: bool = False, families=("fnn", "cnn", "lstm"),
        control: bool = True) -> dict:
    """Measure the row; returns ``{"row", "title", "results", "notes"}``.

    Args:
        quick: Smaller data and 5 pairs instead of 15.
        smoke: The smallest size (2 pairs), for the test suite (no control).
        families: Which families to measure.
        control: Add the A/A control (``build_fnn`` against itself; full mode only).
    """
    import keras

    repeats = 2 if smoke else 5 if quick else 15
    results = []
    for family in families:
        keras.backend.clear_session()
        samples = SIZES[family][3 if smoke else 2 if quick else 1]
        x, y = data(family, samples)
        zoo_net = zoo_model(family)
        hand_net = hand_model(family, zoo_net)
        params = _check_same_layers(zoo_net, hand_net)

        per_call = 1 if quick or smoke else EPOCHS_PER_CALL
        runs = paired({"zoo": epoch_throughput(zoo_net, x, y, epochs=per_call),
                       "keras": epoch_throughput(hand_net, x, y, epochs=per_call)}, repeats,
                      warmup=1)
        row = compare(f"build_{family}", "zoo", "keras", runs, unit="samples/s",
                      target=TARGET, note=f"{params} params, {samples} samples x "
                                          f"{per_call} epoch(s) per call, batch {BATCH_SIZE}")
        results.append(row)
    if control and not smoke and not quick:
        # A/A control: the same factory against itself shows the noise floor of this run.
        keras.backend.clear_session()
        samples = SIZES["fnn"][2 if quick else 1]
        x, y = data("fnn", samples)
        first, second = zoo_model("fnn"), zoo_model("fnn")
        runs = paired({"zoo": epoch_throughput(first, x, y),
                       "zoo again": epoch_throughput(second, x, y)}, repeats, warmup=1)
        results.append(compare("control: build_fnn vs itself (A/A)", "zoo", "zoo again", runs,
                               unit="samples/s", note="two identical models; its spread is "
                                                      "the measurement noise of this run"))
    return {"row": 1, "title": TITLE, "results": results,
            "notes": ["ratio = zoo samples/s / hand-written samples/s per interleaved pair; "
                      "both compiled with the same optimizer, loss and metrics"]}


if __name__ == "__main__":  # pragma: no cover
    import sys

    from bench.__main__ import print_rows

    print_rows([run(quick="--quick" in sys.argv)])
