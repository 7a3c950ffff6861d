"""Run in a fresh Python process: reload saved models and write their predictions.

Usage: python _reload_worker.py MANIFEST.json
The manifest maps a name to {"model": path, "inputs": npz path, "out": npz path}.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import zoo  # noqa: E402,F401  (registers the zoo's custom objects)

manifest = json.load(open(sys.argv[1]))
for entry in manifest.values():
    model = keras.saving.load_model(entry["model"], safe_mode=True)
    if entry.get("generate"):
        out = np.asarray(model.generate(entry["generate"], seed=0))
    else:
        out = model.predict(np.load(entry["inputs"])["x"], verbose=0)
    np.savez(entry["out"], y=out)
print("reloaded", len(manifest))
