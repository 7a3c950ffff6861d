"""Time-series windows without leakage, baselines, and an LSTM that beats them."""

from __future__ import annotations

import numpy as np
import pytest

import zoo
from zoo import series


def test_windows_never_cross_split_boundaries():
    values = np.arange(1000.0)
    ds = series.make_windows(values, past=30, future=7, stride=3, scale=False)
    bounds, starts = ds.meta["bounds"], ds.meta["starts"]
    assert bounds["train"][1] == bounds["val"][0] and bounds["val"][1] == bounds["test"][0]
    for split in ("train", "val", "test"):
        x, y = getattr(ds, f"x_{split}"), getattr(ds, f"y_{split}")
        lo, hi = bounds[split]
        assert len(x) > 0
        # With values == time index, the content tells exactly which steps were used.
        assert x.min() >= lo and y.max() < hi
        np.testing.assert_array_equal(x[:, 0, 0], starts[split])
        np.testing.assert_array_equal(y[:, 0], starts[split] + 30)  # first target follows
        np.testing.assert_array_equal(np.diff(x[:, :, 0], axis=1), 1.0)
    assert np.all(np.diff(starts["train"]) == 3)


def test_scaling_uses_training_statistics_only():
    rng = np.random.default_rng(0)
    values = rng.normal(size=600)
    changed = values.copy()
    changed[-80:] += 50.0  # only the test segment changes
    a = series.make_windows(values, past=10, future=2)
    b = series.make_windows(changed, past=10, future=2)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.x_val, b.x_val)
    assert a.meta["mean"] == pytest.approx(b.meta["mean"])
    train_stop = a.meta["bounds"]["train"][1]
    assert a.meta["mean"][0] == pytest.approx(values[:train_stop].mean())
    back = series.unscale(a.y_test, a.meta)
    starts = a.meta["starts"]["test"]
    np.testing.assert_allclose(back[:, 0], values[starts + 10], rtol=1e-5, atol=1e-5)


def test_multivariate_with_target_columns():
    t = np.arange(400.0)
    values = np.stack([np.sin(t / 5), np.cos(t / 7), t / 400], axis=1)
    ds = series.make_windows(values, past=12, future=4, target_columns=[0, 2])
    assert ds.x_train.shape[1:] == (12, 3)
    assert ds.y_train.shape[1:] == (8,)  # 4 steps x 2 targets, time-major
    start = ds.meta["starts"]["train"][5]
    scaled = (values - ds.meta["mean"]) / ds.meta["std"]
    np.testing.assert_allclose(ds.y_train[5].reshape(4, 2), scaled[start + 12:start + 16][:, [0, 2]],
                               rtol=1e-5, atol=1e-6)
    naive = series.naive_forecast(ds.x_test, 4, target_columns=[0, 2])
    np.testing.assert_allclose(naive.reshape(-1, 4, 2)[:, 1], ds.x_test[:, -1][:, [0, 2]])


def test_baselines():
    x = np.arange(12.0).reshape(1, 12, 1)
    assert series.naive_forecast(x, 3).tolist() == [[11.0, 11.0, 11.0]]
    assert series.seasonal_naive_forecast(x, 6, period=4).tolist() == \
        [[8.0, 9.0, 10.0, 11.0, 8.0, 9.0]]
    # A pure season is forecast perfectly by seasonal-naive.
    wave = np.sin(2 * np.pi * np.arange(600) / 24)
    ds = series.make_windows(wave, past=48, future=12, scale=False)
    pred = series.seasonal_naive_forecast(ds.x_test, 12, period=24)
    np.testing.assert_allclose(pred, ds.y_test, atol=1e-5)
    with pytest.raises(ValueError, match="period"):
        series.seasonal_naive_forecast(x, 3, period=20)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"past": 0}, ValueError, "`past`"),
    ({"future": 0}, ValueError, "`future`"),
    ({"past": 500}, ValueError, "`past` must be shorter than the series"),
    ({"future": 400}, ValueError, "`future` must be shorter than the series"),
    ({"past": 60}, ValueError, "val segment has 45 time steps"),
    ({"stride": 0}, ValueError, "`stride`"),
    ({"past": 2.5}, TypeError, "`past`"),
    ({"target_columns": [1]}, ValueError, "target_columns"),
])
def test_make_windows_bad_arguments(kwargs, error, match):
    args = {"series": np.arange(300.0), "past": 10, "future": 2, **kwargs}
    with pytest.raises(error, match=match):
        series.make_windows(**args)


def test_nan_and_bad_shapes_are_refused():
    values = np.arange(100.0)
    values[17] = np.nan
    with pytest.raises(ValueError, match=r"`series` contains 1 NaN value\(s\) \(first at time step 17\)"):
        series.make_windows(values, past=5, future=1)
    with pytest.raises(ValueError, match="`series` is empty"):
        series.make_windows([], past=5, future=1)
    with pytest.raises(ValueError, match="`series` must have shape"):
        series.make_windows(np.zeros((10, 2, 2)), past=5, future=1)
    with pytest.raises(ValueError, match="`past`"):
        zoo.data.load("series", past=0)


def test_lstm_forecaster_beats_naive_last_value_by_30_percent():
    ds = zoo.data.load("series", past=48, future=12, seed=0)
    model = zoo.create_model("lstm", **ds.model_kwargs(), units=(32,), learning_rate=3e-3,
                             seed=0)
    model.fit(ds.x_train, ds.y_train, validation_data=(ds.x_val, ds.y_val), epochs=6,
              batch_size=32, verbose=0)
    pred = model.predict(ds.x_test, verbose=0)
    mae_lstm = np.mean(np.abs(pred - ds.y_test))
    mae_naive = np.mean(np.abs(series.naive_forecast(ds.x_test, 12) - ds.y_test))
    print(f"test MAE (scaled): lstm {mae_lstm:.4f}, naive {mae_naive:.4f}, "
          f"{1 - mae_lstm / mae_naive:.0%} lower")
    assert mae_lstm <= 0.7 * mae_naive
