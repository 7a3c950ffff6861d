"""Binary classification with binary cross-entropy, judged on a held-out test set.

A feed-forward network (``zoo.build_fnn``, task ``"binary"``: one sigmoid output and
binary cross-entropy) learns a ``make_classification`` problem; the test split it
never saw gives accuracy and ROC AUC, next to scikit-learn's logistic regression
on the same split as a linear baseline.

    python examples/01_binary_classification.py [--quick] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import sys

NAME = "01_binary_classification"


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
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, roc_auc_score, roc_curve

    import zoo

    epochs = 3 if args.quick else 40
    data = zoo.data.load("classification", n_samples=600 if args.quick else 3000,
                         n_features=20, n_informative=8, class_sep=0.8, seed=args.seed)
    print(data.summary())
    model = zoo.build_fnn(data.input_shape, task="binary", hidden_units=(64, 32), dropout=0.2,
                          seed=args.seed, loss="binary_crossentropy")
    history = model.fit(data.x_train, data.y_train, validation_data=(data.x_val, data.y_val),
                        epochs=epochs, batch_size=32, verbose=0,
                        callbacks=zoo.default_callbacks(patience=8))
    proba = model.predict(data.x_test, verbose=0).reshape(-1)
    net = {"accuracy": accuracy_score(data.y_test, proba >= 0.5),
           "roc_auc": roc_auc_score(data.y_test, proba)}
    logreg = LogisticRegression(max_iter=1000).fit(data.x_train, data.y_train)
    lin_proba = logreg.predict_proba(data.x_test)[:, 1]
    lin = {"accuracy": accuracy_score(data.y_test, lin_proba >= 0.5),
           "roc_auc": roc_auc_score(data.y_test, lin_proba)}
    majority = max(np.mean(data.y_test), 1 - np.mean(data.y_test))

    print(f"\n{'model':<22}{'accuracy':>10}{'ROC AUC':>10}")
    print(f"{'majority class':<22}{majority:>10.3f}{0.5:>10.3f}")
    print(f"{'logistic regression':<22}{lin['accuracy']:>10.3f}{lin['roc_auc']:>10.3f}")
    print(f"{'FNN (64, 32) + BCE':<22}{net['accuracy']:>10.3f}{net['roc_auc']:>10.3f}")

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    hist = history.history
    axes[0].plot(hist["loss"], label="train")
    axes[0].plot(hist["val_loss"], label="validation")
    axes[0].set(xlabel="epoch", ylabel="binary cross-entropy", title="learning curves")
    axes[0].legend()
    for label, p in (("FNN", proba), ("logistic regression", lin_proba)):
        fpr, tpr, _ = roc_curve(data.y_test, p)
        auc = roc_auc_score(data.y_test, p)
        axes[1].plot(fpr, tpr, label=f"{label} (AUC {auc:.3f})")
    axes[1].plot([0, 1], [0, 1], "k:", label="chance")
    axes[1].set(xlabel="false positive rate", ylabel="true positive rate",
                title="ROC on the test split")
    axes[1].legend()
    fig.tight_layout()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"{NAME}.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)

    d_acc = net["accuracy"] - lin["accuracy"]
    d_auc = net["roc_auc"] - lin["roc_auc"]
    if d_acc > 0.01 and d_auc > 0:
        verdict = ("the network beats the linear baseline, so the classes are separated by "
                   "more than a hyperplane")
    elif d_acc < -0.01 and d_auc < 0:
        verdict = "logistic regression is better here: the extra capacity does not pay off"
    else:
        verdict = "the two are close: most of the signal is linear"
    print(f"\nConclusion: on {len(data.y_test)} unseen test samples the network reaches "
          f"accuracy {net['accuracy']:.3f} (majority class {majority:.3f}) and ROC AUC "
          f"{net['roc_auc']:.3f}, {d_acc:+.3f} accuracy and {d_auc:+.3f} AUC against logistic "
          f"regression; {verdict}.")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
