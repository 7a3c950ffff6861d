"""Smoke tests of the toolkit examples: each runs in quick mode, writes its PNG and concludes."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCRIPTS = [
    "01_binary_classification",
    "02_activations",
    "03_weight_initialization",
    "04_optimizers",
    "05_vanishing_gradients",
    "06_robust_regression",
    "07_class_imbalance",
    "08_forward_numpy",
]


def _load(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check_png(path: Path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


@pytest.mark.parametrize("name", SCRIPTS)
def test_example_runs_quick_and_writes_png_and_conclusion(name, tmp_path, capsys):
    module = _load(name)
    assert module.__doc__ and "--quick" in module.__doc__
    assert module.main(["--quick", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    _check_png(tmp_path / f"{name}.png")
    conclusion = [line for line in out.splitlines() if line.startswith("Conclusion: ")]
    assert len(conclusion) == 1 and len(conclusion[0]) > 60
    # The conclusion quotes measured numbers, not only words.
    assert any(ch.isdigit() for ch in conclusion[0])


def test_example_runs_as_a_script_with_the_quick_environment_variable(tmp_path):
    env = dict(os.environ, ZOO_EXAMPLE_QUICK="1", TF_CPP_MIN_LOG_LEVEL="2")
    proc = subprocess.run([sys.executable, str(EXAMPLES / "08_forward_numpy.py"), "--out",
                           str(tmp_path)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Conclusion: " in proc.stdout
    _check_png(tmp_path / "08_forward_numpy.png")
