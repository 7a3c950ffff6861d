"""A search run in a subprocess by the SIGKILL-resume test: ``python _search_job.py DIR``."""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import zoo  # noqa: E402
from tests.tuning._helpers import small_cnn  # noqa: E402
from tuning import run_search  # noqa: E402

if __name__ == "__main__":
    directory = sys.argv[1]
    data = zoo.data.load("digits", seed=0)
    hm = small_cnn(data, seed=0)
    done = os.path.join(directory, "done.log")

    def progress(row):
        with open(done, "a") as f:
            f.write(f"{row['trial_id']}\n")

    result = run_search(hm, data, "random", max_trials=4, max_epochs=20, patience=20,
                        directory=directory, seed=0, progress=progress, write_report=False)
    print("TRIALS", len(result.trials))
