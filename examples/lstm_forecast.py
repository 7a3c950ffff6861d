"""Forecasting a seasonal series with LSTM and GRU networks against naive baselines.

``zoo.data.load("series")`` gives 3000 steps of a synthetic series with daily (24)
and weekly (168) seasons, a trend and noise, split by time into train/validation/test
and cut into windows of 48 past steps -> the next 12 steps, with no window crossing a
split. ``zoo.build_lstm`` builds an LSTM and a GRU forecaster (12 linear outputs, MSE);
both are compared on the test period with the naive last-value forecast and the
seasonal-naive forecast (repeat the last day), by mean absolute error in the series'
own units. A plot shows the forecasts over the test period.

    python examples/lstm_forecast.py [--quick] [--out DIR]

Use your own data with ``zoo.series.make_windows(array, past, future)``: it takes a
``(timesteps,)`` or ``(timesteps, features)`` array and returns the same kind of
data set.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

NAME = "lstm_forecast"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=f"runs/examples/{NAME}", help="output directory")
    parser.add_argument("--quick", action="store_true",
                        default=os.environ.get("ZOO_EXAMPLE_QUICK") == "1",
                        help="tiny budget (smoke test); also ZOO_EXAMPLE_QUICK=1")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    import zoo
    from zoo import series

    past, future, period, noise = 48, 12, 24, 0.2
    data = zoo.data.load("series", past=past, future=future, noise=noise, seed=args.seed)
    meta = data.meta
    print(data.summary())

    def mae(pred):  # in the series' own units
        return float(np.mean(np.abs(series.unscale(pred, meta) - series.unscale(data.y_test, meta))))

    forecasts = {
        "naive (last value)": series.naive_forecast(data.x_test, future),
        "seasonal naive (24)": series.seasonal_naive_forecast(data.x_test, future, period),
    }
    for cell in ("lstm", "gru"):
        keras.utils.set_random_seed(args.seed)
        model = zoo.build_lstm(**data.model_kwargs(), cell=cell, units=(32,),
                               learning_rate=3e-3, seed=args.seed, name=cell)
        start = time.perf_counter()
        model.fit(data.x_train, data.y_train, validation_data=(data.x_val, data.y_val),
                  epochs=2 if args.quick else 20, batch_size=32, verbose=0,
                  callbacks=[keras.callbacks.EarlyStopping(patience=4,
                                                           restore_best_weights=True)])
        forecasts[cell.upper()] = model.predict(data.x_test, verbose=0)
        print(f"{cell.upper()} trained in {time.perf_counter() - start:.0f} s")

    naive = mae(forecasts["naive (last value)"])
    print(f"\ntest MAE over a {future}-step horizon (series units; noise sd "
          f"{noise} puts the floor near {noise * np.sqrt(2 / np.pi):.2f})")
    for label, pred in forecasts.items():
        score = mae(pred)
        print(f"  {label:<22} {score:.3f}   ({1 - score / naive:.0%} below naive)")

    # Forecasts from every 12th test window tile the test period without overlap.
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    starts = meta["starts"]["test"]
    picks = np.arange(0, len(starts), future)
    steps = (starts[picks][:, None] + past + np.arange(future)).reshape(-1)
    fig, ax = plt.subplots(figsize=(12, 4))
    ax.plot(steps, meta["series"][steps], color="black", lw=1, label="actual")
    for label, pred in forecasts.items():
        ax.plot(steps, series.unscale(pred[picks], meta).reshape(-1), lw=1, label=label)
    for t in starts[picks][::4] + past:
        ax.axvline(t, color="grey", lw=0.3)
    ax.set_xlabel("time step")
    ax.set_title(f"{future}-step forecasts over the test period")
    ax.legend(loc="upper left", fontsize=8, ncol=5)
    fig.tight_layout()
    fig.savefig(out / "forecasts.png", dpi=110)
    print(f"\nplot: {out / 'forecasts.png'}")
    lstm = mae(forecasts["LSTM"])
    if not args.quick and lstm > 0.7 * naive:
        print("warning: the LSTM is not 30% below the naive baseline", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
