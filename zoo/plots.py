"""PNG plots of training histories (matplotlib with the Agg backend)."""

from __future__ import annotations

from pathlib import Path


def pyplot():
    """``matplotlib.pyplot`` on the Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, path, *, dpi: int = 110) -> Path:
    """Save ``fig`` as a PNG at ``path`` (parent folders created) and close it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    pyplot().close(fig)
    return path


def plot_history(histories: dict, path, metrics: list[str] | None = None,
                 title: str | None = None) -> Path:
    """Plot learning curves of one or several runs into one PNG.

    Args:
        histories: ``{label: history_dict}``, each a Keras ``History.history``
            (``{"loss": [...], "val_loss": [...], ...}``). A bare history dict is
            accepted as one run.
        path: Output PNG path (parent folders are created).
        metrics: Metric names to plot (one panel each); default: ``loss`` plus every
            other metric that has a ``val_`` twin, up to three panels.
        title: Figure title.

    Returns:
        The path written.

    Example:
        >>> plot_history({"relu": {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}}, "/tmp/c.png")
        PosixPath('/tmp/c.png')
    """
    if histories and all(isinstance(v, (list, tuple)) for v in histories.values()):
        histories = {"run": histories}
    if metrics is None:
        first = next(iter(histories.values()), {})
        metrics = ["loss"] + [k for k in first if not k.startswith("val_") and k != "loss"
                              and f"val_{k}" in first and k != "learning_rate"]
        metrics = metrics[:3]
    plt = pyplot()
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.8), squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, metric in zip(axes[0], metrics, strict=True):
        for i, (label, hist) in enumerate(histories.items()):
            color = colors[i % len(colors)]
            if metric in hist:
                epochs = range(1, len(hist[metric]) + 1)
                ax.plot(epochs, hist[metric], color=color, label=f"{label} train")
            if f"val_{metric}" in hist:
                epochs = range(1, len(hist[f"val_{metric}"]) + 1)
                ax.plot(epochs, hist[f"val_{metric}"], color=color, linestyle="--",
                        label=f"{label} val")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        if metric == "loss":
            values = [v for h in histories.values() for k in ("loss", "val_loss")
                      for v in h.get(k, []) if v is not None and v > 0]
            if values and max(values) / min(values) > 50:
                ax.set_yscale("log")
        ax.grid(alpha=0.3)
    handles, labels = axes[0][0].get_legend_handles_labels()
    if handles:
        axes[0][-1].legend(handles, labels, fontsize="small", loc="best")
    if title:
        fig.suptitle(title)
    return save_figure(fig, path)
