"""A search killed after one epoch of a trial, run by the mid-trial resume tests.

``python _resume_job.py DIR ALGORITHM [KILL_EPOCH [CV KILL_FOLD]]``: searches an
FNN on digits for 10-epoch trials (Hyperband: the first 10-epoch trial, a
continuation of a 1-epoch one). Every trained epoch is appended to
``DIR/epochs.log`` as ``trial fold epoch`` (1-based; fold ``-`` without cv);
with ``KILL_EPOCH`` the process SIGKILLs itself right after that epoch of the
first 10-epoch trial (with ``CV`` folds: of its fold ``KILL_FOLD``) has been
checkpointed (once: a marker file). The end prints ``RESULT {json}`` with the
trials' scores and the test metrics.
"""

import json
import os
import signal
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import zoo  # noqa: E402
from tuning import HyperFNN, run_search  # noqa: E402
from tuning.checkpoint import EpochCheckpoint  # noqa: E402

FIXED = {"hidden_layers": 1, "batch_norm": False, "l2": 0.0, "kernel_initializer": "he_normal"}
RANGES = {"units": [16, 32], "dropout": (0.1, 0.3), "optimizer": ["adam", "sgd"],
          "schedule": ["constant", "cosine"], "batch_size": [64, 128]}

if __name__ == "__main__":
    directory, algorithm = sys.argv[1], sys.argv[2]
    kill_epoch = int(sys.argv[3]) if len(sys.argv) > 3 else None
    cv = int(sys.argv[4]) if len(sys.argv) > 4 else None
    kill_fold = f"fold{sys.argv[5]}" if len(sys.argv) > 5 else "-"
    marker = os.path.join(directory, "killed")
    original = EpochCheckpoint.on_epoch_end

    def on_epoch_end(self, epoch, logs=None):
        original(self, epoch, logs)
        parts = os.path.relpath(self.directory, directory).split(os.sep)
        trial, fold = parts[1][len("trial_"):], parts[3] if len(parts) > 3 else "-"
        with open(os.path.join(directory, "epochs.log"), "a") as f:
            f.write(f"{trial} {fold} {epoch + 1}\n")
        if (kill_epoch == epoch + 1 and self.params.get("epochs") == 10 and fold == kill_fold
                and not os.path.exists(marker)):
            open(marker, "w").close()
            os.kill(os.getpid(), signal.SIGKILL)

    EpochCheckpoint.on_epoch_end = on_epoch_end
    os.makedirs(directory, exist_ok=True)
    data = zoo.data.load("digits", seed=0)
    hm = HyperFNN(data.input_shape, data.num_classes, fixed=FIXED, ranges=RANGES, seed=0)
    kwargs = ({"max_trials": 1 if cv else 2} if algorithm != "hyperband"
              else {"factor": 10, "tuner_kwargs": {"hyperband_iterations": 1}})
    result = run_search(hm, data, algorithm, max_epochs=10, patience=10, directory=directory,
                        seed=0, write_report=False, verbose=0, cv=cv, **kwargs)
    print("RESULT " + json.dumps({"scores": {t["trial_id"]: t["score"] for t in result.trials},
                                  "test": result.test_metrics}))
