"""Time-series forecasting data: a synthetic seasonal series and leak-free windows.

:func:`make_windows` turns any univariate or multivariate array (yours, or the
synthetic one from :func:`synthetic_series`, windowed by ``zoo.data.load("series")``) into
``(past window, future values)`` pairs for a sequence model, split by time into
train/validation/test so that no window of one split touches a time step of
another, and standardised with training statistics only. :func:`naive_forecast`
and :func:`seasonal_naive_forecast` are the baselines a forecaster must beat.

Example:
    >>> import zoo
    >>> ds = zoo.data.load("series", past=48, future=12, seed=0)
    >>> ds.x_train.shape[1:], ds.y_train.shape[1:]
    ((48, 1), (12,))
    >>> model = zoo.create_model("lstm", **ds.model_kwargs(), units=(32,), seed=0)
"""

from __future__ import annotations

import logging
import numbers

import numpy as np

from zoo._validate import check_int_sequence, check_number, check_positive_int

logger = logging.getLogger("zoo.series")


def _check_series(fn: str, series) -> np.ndarray:
    """Return ``series`` as a float64 ``(timesteps, features)`` array or raise."""
    try:
        values = np.asarray(series, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{fn}: `series` must be a numeric array of shape (timesteps,) or "
                        f"(timesteps, features), received {type(series).__name__}") from None
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2:
        raise ValueError(f"{fn}: `series` must have shape (timesteps,) or (timesteps, "
                         f"features), received shape {np.shape(series)}")
    if values.shape[0] == 0 or values.shape[1] == 0:
        raise ValueError(f"{fn}: `series` is empty (shape {np.shape(series)})")
    bad = ~np.isfinite(values)
    if bad.any():
        first = int(np.argwhere(bad)[0][0])
        kind = "NaN" if np.isnan(values).any() else "infinite"
        raise ValueError(f"{fn}: `series` contains {int(bad.sum())} {kind} value(s) (first at "
                         f"time step {first}); fill or drop them before windowing")
    return values


def _check_columns(fn: str, target_columns, n_features: int) -> tuple[int, ...]:
    if target_columns is None:
        return tuple(range(n_features))
    columns = check_int_sequence(fn, "target_columns", target_columns, allow_zero=True)
    if max(columns) >= n_features or len(set(columns)) != len(columns):
        raise ValueError(f"{fn}: `target_columns` must be distinct column indices in "
                         f"[0, {n_features}), received target_columns={target_columns!r}")
    return columns


def _windows(values, targets, past, future, stride):
    starts = np.arange(0, len(values) - past - future + 1, stride)
    x = values[starts[:, None] + np.arange(past)]
    y = targets[starts[:, None] + past + np.arange(future)]  # (n, future, n_targets)
    return x.astype(np.float32), y.reshape(len(starts), -1).astype(np.float32), starts


def make_windows(series, past: int, future: int, stride: int = 1, *, target_columns=None,
                 val_size: float = 0.15, test_size: float = 0.15, scale: bool = True,
                 name: str = "series"):
    """Split a series by time and cut each part into (past, future) windows.

    The series is first cut into three consecutive segments, train (oldest), then
    validation, then test (newest, ``test_size`` of the time steps); windows are cut
    inside each segment only, so no input or target of a validation or test window
    lies in another segment and nothing from the future leaks into training. With
    ``scale=True`` every feature is standardised with the mean and standard
    deviation of the training segment alone.

    Args:
        series: Array of shape ``(timesteps,)`` (univariate) or ``(timesteps,
            features)`` (multivariate), in time order, without NaNs.
        past: Input steps per window.
        future: Steps to forecast after each window.
        stride: Distance between consecutive window starts.
        target_columns: Feature indices to forecast (default: all features).
        val_size, test_size: Fractions of the time steps for validation and test.
        scale: Standardise with training statistics.
        name: Name of the returned data set.

    Returns:
        A :class:`zoo.data.Dataset` with ``task="regression"``: ``x_*`` of shape
        ``(n, past, features)`` and ``y_*`` of shape ``(n, future * len(target_columns))``
        (time-major: the targets at step 1, then step 2, ...). ``meta`` holds
        ``past``, ``future``, ``stride``, ``target_columns``, ``mean`` and ``std``
        (per feature; zeros and ones with ``scale=False``), ``target_mean`` /
        ``target_std`` (for :func:`unscale`), ``bounds`` (``{split: (start, stop)}``
        time steps of each segment) and ``starts`` (``{split: array}`` of the time
        step where each window's input begins).

    Raises:
        ValueError: NaN/infinite values, ``past`` or ``future`` below 1 or longer than
            the series, a segment too short for one window, bad fractions.
        TypeError: a non-numeric series or non-integer sizes.

    Example:
        >>> t = np.arange(500.0)
        >>> ds = make_windows(np.sin(t / 10), past=20, future=5, test_size=0.2)
        >>> ds.x_train.shape, ds.y_test.shape
        ((301, 20, 1), (76, 5))
    """
    from zoo.data.dataset import Dataset

    fn = "make_windows"
    past = check_positive_int(fn, "past", past)
    future = check_positive_int(fn, "future", future)
    stride = check_positive_int(fn, "stride", stride)
    val_size = check_number(fn, "val_size", val_size, low=0.0, high=0.5, low_inclusive=False)
    test_size = check_number(fn, "test_size", test_size, low=0.0, high=0.5, low_inclusive=False)
    if not isinstance(scale, bool):
        raise TypeError(f"{fn}: `scale` must be True or False, received scale={scale!r}")
    values = _check_series(fn, series)
    n = len(values)
    for param, size in (("past", past), ("future", future)):
        if size >= n:
            raise ValueError(f"{fn}: `{param}` must be shorter than the series ({n} time "
                             f"steps), received {param}={size}")
    columns = _check_columns(fn, target_columns, values.shape[1])

    n_test, n_val = int(round(n * test_size)), int(round(n * val_size))
    bounds = {"train": (0, n - n_val - n_test), "val": (n - n_val - n_test, n - n_test),
              "test": (n - n_test, n)}
    need = past + future
    for split, (start, stop) in bounds.items():
        if stop - start < need:
            hint = {"train": "lower val_size/test_size", "val": "raise val_size",
                    "test": "raise test_size"}[split]
            raise ValueError(f"{fn}: the {split} segment has {stop - start} time steps, fewer "
                             f"than past + future = {need} (past={past}, future={future}); "
                             f"use a longer series, shorter windows, or {hint}")
    train_values = values[:bounds["train"][1]]
    if scale:
        mean = train_values.mean(axis=0)
        std = train_values.std(axis=0)
        std = np.where(std > 0, std, 1.0)
    else:
        mean, std = np.zeros(values.shape[1]), np.ones(values.shape[1])
    scaled = (values - mean) / std
    arrays, starts = {}, {}
    for split, (start, stop) in bounds.items():
        segment = scaled[start:stop]
        x, y, s = _windows(segment, segment[:, columns], past, future, stride)
        arrays[split] = (x, y)
        starts[split] = s + start
    meta = {"past": past, "future": future, "stride": stride, "target_columns": columns,
            "mean": mean, "std": std, "target_mean": mean[list(columns)],
            "target_std": std[list(columns)], "bounds": bounds, "starts": starts,
            "scaled": scale}
    logger.info("%s: %d steps x %d features -> %d/%d/%d windows", name, n, values.shape[1],
                len(arrays["train"][0]), len(arrays["val"][0]), len(arrays["test"][0]))
    return Dataset(name, *arrays["train"], *arrays["val"], *arrays["test"], task="regression",
                   meta=meta)


def unscale(y, meta: dict) -> np.ndarray:
    """Map standardised targets (or forecasts) of :func:`make_windows` back to data units.

    Args:
        y: Array ``(n, future * len(target_columns))``.
        meta: The data set's ``meta``.

    Returns:
        ``y`` in the series' own units (float64).

    Example:
        >>> mae = np.mean(np.abs(unscale(pred, ds.meta) - unscale(ds.y_test, ds.meta)))  # doctest: +SKIP
    """
    y = np.asarray(y, dtype=np.float64)
    reps = y.shape[-1] // len(meta["target_columns"])
    return y * np.tile(meta["target_std"], reps) + np.tile(meta["target_mean"], reps)


def naive_forecast(x, future: int, *, target_columns=None) -> np.ndarray:
    """The last-value forecast: every future step repeats the last observed value.

    Args:
        x: Input windows ``(n, past, features)``.
        future: Steps to forecast.
        target_columns: Forecast features (default: all), as in :func:`make_windows`.

    Returns:
        ``(n, future * len(target_columns))``, laid out like :func:`make_windows`' ``y``.

    Example:
        >>> naive_forecast(np.array([[[1.0], [2.0]]]), 3).tolist()
        [[2.0, 2.0, 2.0]]
    """
    fn = "naive_forecast"
    future = check_positive_int(fn, "future", future)
    x = np.asarray(x)
    columns = list(_check_columns(fn, target_columns, x.shape[-1]))
    last = x[:, -1, columns]  # (n, n_targets)
    return np.repeat(last[:, None, :], future, axis=1).reshape(len(x), -1)


def seasonal_naive_forecast(x, future: int, period: int, *, target_columns=None) -> np.ndarray:
    """The seasonal-naive forecast: each future step repeats the value one period earlier.

    Step ``h`` (1-based) is forecast as the observation ``period - ((h - 1) % period)``
    steps before the window's end, so the last observed season is repeated.

    Args:
        x: Input windows ``(n, past, features)`` with ``past >= period``.
        future: Steps to forecast.
        period: Season length in steps.
        target_columns: Forecast features (default: all).

    Returns:
        ``(n, future * len(target_columns))``.

    Raises:
        ValueError: ``period`` longer than the windows.

    Example:
        >>> seasonal_naive_forecast(np.arange(6.0).reshape(1, 6, 1), 3, period=2).tolist()
        [[4.0, 5.0, 4.0]]
    """
    fn = "seasonal_naive_forecast"
    future = check_positive_int(fn, "future", future)
    period = check_positive_int(fn, "period", period)
    x = np.asarray(x)
    if period > x.shape[1]:
        raise ValueError(f"{fn}: `period` ({period}) must not exceed the window length "
                         f"past={x.shape[1]}")
    columns = list(_check_columns(fn, target_columns, x.shape[-1]))
    index = x.shape[1] - period + (np.arange(future) % period)
    return x[:, index][:, :, columns].reshape(len(x), -1)


def synthetic_series(length: int = 3000, *, periods=(24, 168), amplitudes=(1.0, 0.5),
                     trend: float = 0.0005, noise: float = 0.2, seed: int = 0) -> np.ndarray:
    """A seeded multi-seasonal series: linear trend + sines + Gaussian noise.

    ``y[t] = trend * t + sum_k amplitudes[k] * sin(2 pi t / periods[k] + phase_k) + eps_t``
    with random phases and ``eps_t ~ N(0, noise^2)`` (think hourly data with daily
    and weekly cycles).

    Args:
        length: Number of time steps.
        periods: Season lengths in steps.
        amplitudes: One amplitude per period.
        trend: Slope per step.
        noise: Standard deviation of the noise.
        seed: Seed of the phases and the noise.

    Returns:
        A float64 array of shape ``(length,)``.

    Example:
        >>> synthetic_series(100, seed=1).shape
        (100,)
    """
    fn = "synthetic_series"
    length = check_positive_int(fn, "length", length)
    periods = check_int_sequence(fn, "periods", periods, allow_empty=True)
    if isinstance(amplitudes, numbers.Real):
        amplitudes = (amplitudes,)
    amplitudes = tuple(check_number(fn, "amplitudes", a) for a in amplitudes)
    if len(amplitudes) != len(periods):
        raise ValueError(f"{fn}: `amplitudes` needs one value per period, received "
                         f"periods={periods!r} and amplitudes={amplitudes!r}")
    trend = check_number(fn, "trend", trend)
    noise = check_number(fn, "noise", noise, low=0.0)
    check_positive_int(fn, "seed", seed, allow_zero=True)
    rng = np.random.default_rng(seed)
    t = np.arange(length, dtype=np.float64)
    y = trend * t
    for period, amplitude in zip(periods, amplitudes, strict=True):
        y = y + amplitude * np.sin(2 * np.pi * t / period + rng.uniform(0, 2 * np.pi))
    return y + rng.normal(0.0, noise, size=length)


def __getattr__(name: str):
    if name == "load_series":  # moved with the other data-set loaders
        raise AttributeError("zoo.series.load_series moved to zoo.data.builtin.load_series; load "
                             "the series data set with zoo.data.load('series', ...)")
    raise AttributeError(f"module 'zoo.series' has no attribute {name!r}")
