"""Every user error of every command: one ``zoo: error:`` line, exit status 2, nothing left behind.

A table of bad invocations across ``train``, ``tune``, ``compare``, ``generate`` and
``sample``, each run through the real command line (``zoo.cli.main``, in-process so
the table stays fast). The test captures file descriptors 1 and 2 (Python, logging,
warnings and TensorFlow's C++ output alike), logs at the command line's INFO level
the way ``zoo`` configures it, and asserts: exit status 2, exactly one line on
stderr, starting ``zoo: error:`` and naming what was wrong, no traceback, and no
file or folder created (``--out`` does not exist afterwards; an existing file
given as ``--out`` is unchanged; the working directory stays empty).
"""

import logging
import sys

import numpy as np
import pytest

import zoo
from zoo.cli import main

READ_ONLY = "/sys/zoo_test_cannot_write/run"  # sysfs: not writable, even for root


def _digits_flat():
    ds = zoo.data.load("digits", representation="flat", seed=0)
    return [ds.x_train, ds.y_train, ds.x_val, ds.y_val, ds.x_test, ds.y_test]


def _dataset(name, change):
    def load(**_):
        arrays = change(_digits_flat())
        return zoo.data.Dataset(name, *arrays, task="multiclass", num_classes=10)
    return load


def _nan(a):
    a[0] = a[0].copy()
    a[0][3, 5] = np.nan
    return a


def _label_ten(a):
    a[5] = a[5].copy()
    a[5][:2] = 10
    return a


def _float_labels(a):
    a[1] = a[1].astype("float32") + 0.5
    return a


def _empty(a):
    a[0], a[1] = a[0][:0], a[1][:0]
    return a


def _strings(a):
    a[0] = a[0].astype(str)
    return a


BAD_DATA = {"zoo_test_nan": _nan, "zoo_test_label_ten": _label_ten,
            "zoo_test_float_labels": _float_labels, "zoo_test_empty": _empty,
            "zoo_test_strings": _strings}
for _name, _change in BAD_DATA.items():
    if _name not in zoo.data.list_datasets():
        zoo.data.register_dataset(_name, _dataset(_name, _change))

VARY = ["--vary", "activation=relu"]

# (argv, fragments the one error line must hold). {out}: a fresh path (must not exist
# afterwards); {file}: an existing file (must be unchanged); {empty}: an empty folder;
# {garbage}: a folder with a damaged model.keras; {badvocab}: one with a damaged vocab.json;
# {data}: a folder of one's own data files (see _data_files).
CASES = [
    # --- train
    (["train", "fnn", "--out", ""], ["`out_dir` must name a directory"]),
    (["train", "fnn", "--out", "{file}"], ["is a file, not a directory"]),
    (["train", "fnn", "--out", "{file}/run"], ["cannot be created", "is a file"]),
    (["train", "fnn", "--out", READ_ONLY], ["not a writable directory"]),
    (["train", "fnn", "--epochs", "0", "--out", "{out}"], ["`epochs` must be an int >= 1"]),
    (["train", "fnn", "--batch-size", "0", "--out", "{out}"], ["`batch_size`"]),
    (["train", "fnn", "--learning-rate", "-1", "--out", "{out}"], ["learning_rate=-1.0"]),
    (["train", "fnn", "--learning-rate", "nan", "--out", "{out}"], ["must be a finite number"]),
    (["train", "fnn", "--param", "hidden_units=100000000", "--out", "{out}"],
     ["7,500,000,010 parameters", "of memory available", "hidden_units=100000000"]),
    (["train", "fnn", "--param", "hidden_units=0", "--out", "{out}"], ["hidden_units=(0,)"]),
    (["train", "fnn", "--data", "regression", "--data-option", "noise=1e999", "--out", "{out}"],
     ["--data-option noise: '1e999' is not a finite number"]),
    (["train", "fnn", "--data-option", "val_size=0.9", "--out", "{out}"], ["val_size=0.9"]),
    (["train", "fnn", "--data", "imagenet", "--out", "{out}"], ["unknown data set 'imagenet'"]),
    (["train", "resnet", "--out", "{out}"], ["unknown model 'resnet'"]),
    (["train", "fnn", "--activation", "relux", "--out", "{out}"], ["activation='relux'"]),
    (["train", "fnn", "--optimizer", "adamx", "--out", "{out}"], ["optimizer='adamx'"]),
    (["train", "fnn", "--loss", "hubber", "--out", "{out}"], ["loss='hubber'"]),
    (["train", "fnn", "--schedule", "cosinus", "--out", "{out}"], ["schedule='cosinus'"]),
    (["train", "fnn", "--schedule", "cosine", "--schedule-arg", "warmup", "--out", "{out}"],
     ["--schedule-arg expects KEY=VALUE"]),
    (["train", "fnn", "--param", "no_such_arg=3", "--out", "{out}"], ["no_such_arg"]),
    (["train", "fnn", "--epochs", "ten", "--out", "{out}"], ["--epochs", "invalid int value"]),
    (["train", "dcgan", "--out", "{out}"], ["unsupervised"]),
    (["train", "fnn", "--seed", "-1", "--out", "{out}"], ["`seed` must be an int >= 0"]),
    (["train", "fnn", "--data-option", "bogus=1", "--out", "{out}"], ["unknown option"]),
    (["train", "fnn", "--patience", "-2", "--out", "{out}"], ["`patience`"]),
    (["train", "fnn"], ["the following arguments are required: --out"]),
    (["train", "fnn", "--data", "zoo_test_nan", "--out", "{out}"],
     ["`x_train` holds 1 non-finite value", "index [3, 5]"]),
    (["train", "fnn", "--data", "zoo_test_label_ten", "--out", "{out}"],
     ["`y_test` holds labels outside [0, 10): 10"]),
    (["train", "fnn", "--data", "zoo_test_float_labels", "--out", "{out}"],
     ["whole-number class ids", "`y_train` holds 0.5"]),
    (["train", "fnn", "--data", "zoo_test_empty", "--out", "{out}"], ["train split is empty"]),
    (["train", "fnn", "--data", "zoo_test_strings", "--out", "{out}"],
     ["`x_train` must hold numbers, received strings"]),
    # --- train, your own data (the data flags)
    (["train", "fnn", "--data", "{data}/absent.csv", "--out", "{out}"],
     ["absent.csv", "no such file or folder"]),
    (["train", "fnn", "--data", "{data}/t.csv", "--target", "colour", "--out", "{out}"],
     ["target column 'colour' not in"]),
    (["train", "fnn", "--data", "{data}/data.xlsx", "--out", "{out}"],
     ["unknown file type '.xlsx'"]),
    (["train", "fnn", "--data", "{data}/nan.npz", "--out", "{out}"], ["nan.npz", "1 NaN"]),
    (["train", "fnn", "--data", "{data}/len.npz", "--out", "{out}"],
     ["x has 10 samples but y has 9"]),
    (["train", "fnn", "--data", "{data}/t.csv", "--task", "ranking", "--out", "{out}"],
     ["--task", "invalid choice"]),
    (["train", "cnn", "--data", "{data}/photos", "--image-size", "0", "--out", "{out}"],
     ["image_size"]),
    (["train", "cnn", "--data", "{data}/flat", "--out", "{out}"], ["no class subfolders"]),
    (["train", "fnn", "--data", "{data}/t.csv", "--column", "a", "--past", "0", "--out",
      "{out}"], ["past"]),
    # --- compare
    (["compare", "fnn", "--vary", "activation=relu,relux", "--out", "{out}"],
     ["activation='relux'"]),
    (["compare", "fnn", "--vary", "nosuch=1,2", "--out", "{out}"], ["cannot vary 'nosuch'"]),
    (["compare", "fnn", "--vary", "activation=", "--out", "{out}"], ["no values given"]),
    (["compare", "fnn", *VARY, "--vary", "activation=tanh", "--out", "{out}"],
     ["given twice"]),
    (["compare", "fnn", "--vary", "hidden_units=64|100000000", "--out", "{out}"],
     ["parameters", "of memory available"]),
    (["compare", "fnn", "--vary", "learning_rate=0.01,-1", "--out", "{out}"],
     ["learning_rate=-1"]),
    (["compare", "fnn", "--vary", "data.val_size=0.1,0.9", "--out", "{out}"], ["val_size=0.9"]),
    (["compare", "fnn", "--vary", "optimizer=adam,adamx", "--out", "{out}"],
     ["optimizer='adamx'"]),
    (["compare", "fnn", *VARY, "--seeds", "0", "--out", "{out}"], ["`seeds`"]),
    (["compare", "fnn", *VARY, "--out", ""], ["`out_dir` must name a directory"]),
    (["compare", "fnn", *VARY, "--out", "{file}"], ["is a file, not a directory"]),
    (["compare", "fnn", *VARY, "--data", "zoo_test_nan", "--out", "{out}"],
     ["non-finite value"]),
    (["compare", "fnn", "--vary", "dropout=0.1,inf", "--out", "{out}"],
     ["'inf' is not a finite number"]),
    (["compare", "fnn", *VARY, "--data", "{data}/holes.csv", "--out", "{out}"],
     ["holes.csv", "missing values", "--impute"]),
    # --- tune
    (["tune", "fnn", "--factor", "1", "--out", "{out}"], ["`factor` must be an int >= 2"]),
    (["tune", "fnn", "--factor", "-2", "--out", "{out}"], ["`factor` must be an int >= 2"]),
    (["tune", "fnn", "--range", "learning_rate=1e-4:Infinity", "--out", "{out}"],
     ["LOW:HIGH must be two finite numbers"]),
    (["tune", "fnn", "--range", "learning_rate=1e-4:1e999", "--out", "{out}"],
     ["LOW:HIGH must be two finite numbers"]),
    (["tune", "fnn", "--fixed", "learning_rate=inf", "--out", "{out}"],
     ["'inf' is not a finite number"]),
    (["tune", "fnn", "--out", ""], ["`directory`"]),
    (["tune", "fnn", "--out", "{file}"], ["is a file, not a directory"]),
    (["tune", "fnn", "--tensorboard", READ_ONLY, "--out", "{out}"],
     ["`tensorboard`", "not a writable directory"]),
    (["tune", "fnn", "--algorithm", "random", "--max-trials", "0", "--out", "{out}"],
     ["`max_trials` must be an int >= 1"]),
    (["tune", "fnn", "--objective", "val_f1", "--out", "{out}"],
     ["does not report objective 'val_f1'"]),
    (["tune", "resnet", "--out", "{out}"], ["unknown model 'resnet'"]),
    (["tune", "fnn", "--range", "dropout=0.4:0.1", "--out", "{out}"], ["low <= high"]),
    (["tune", "fnn", "--fixed", "dropout=1.5", "--out", "{out}"],
     ["does not accept fixed['dropout']=1.5"]),
    (["tune", "fnn", "--fixed", "dropout=nan", "--out", "{out}"], ["'nan' is not a finite"]),
    (["tune", "fnn", "--max-epochs", "0", "--out", "{out}"], ["`max_epochs`"]),
    (["tune", "fnn", "--workers", "-1", "--out", "{out}"], ["`workers`"]),
    (["tune", "fnn", "--data", "zoo_test_label_ten", "--out", "{out}"],
     ["labels outside [0, 10): 10"]),
    (["tune", "fnn", "--fixed", "units", "--out", "{out}"], ["--fixed expects KEY=VALUE"]),
    (["tune", "fnn", "--data", "{data}/inf.csv", "--out", "{out}"], ["inf.csv", "infinite"]),
    (["tune", "fnn", "--data", "{data}/one.csv", "--out", "{out}"], ["one class ('spam')"]),
    # --- generate
    (["generate", "--data", "classification", "--out", "{out}"],
     ["unknown data='classification'"]),
    (["generate", "--epochs", "0", "--out", "{out}"], ["`epochs`"]),
    (["generate", "--image-size", "0", "--out", "{out}"], ["`image_size`"]),
    (["generate", "--out", ""], ["`out` must name a directory"]),
    (["generate", "--out", "{file}"], ["is a file, not a directory"]),
    (["generate", "--samples", "0", "--out", "{out}"], ["`samples`"]),
    (["generate", "--ema-decay", "2", "--out", "{out}"], ["`ema_decay`"]),
    (["generate", "--max-seconds", "-1", "--out", "{out}"], ["`max_seconds`"]),
    (["generate", "--latent-dim", "0", "--out", "{out}"], ["`latent_dim`"]),
    (["generate", "--batch-size", "0", "--out", "{out}"], ["`batch_size`"]),
    (["generate", "--data", "{data}/flat", "--out", "{out}"], ["no class subfolders"]),
    (["generate", "--data", "{data}/t.csv", "--out", "{out}"], ["t.csv"]),
    (["generate", "--data", "{data}/photos", "--color-mode", "cmyk", "--out", "{out}"],
     ["--color-mode", "invalid choice"]),
    # --- sample
    (["sample", "{out}"], ["no saved model"]),
    (["sample", "{empty}"], ["no saved model"]),
    (["sample", "{garbage}"], ["is not a readable Keras model"]),
    (["sample", "{badvocab}"], ["is not a saved CharVocabulary"]),
    (["sample", "{garbage}", "--length", "0"], ["--length"]),
    (["sample", "{garbage}", "--temperature", "0"], ["--temperature"]),
    (["sample", "{garbage}", "--seed-text", ""], ["--seed-text must not be empty"]),
]


def test_the_table_is_long_enough_and_covers_every_command():
    assert len(CASES) >= 40
    assert {argv[0] for argv, _ in CASES} == {"train", "tune", "compare", "generate", "sample"}


@pytest.fixture
def cli_logging():
    """Log like ``zoo`` does (its own INFO lines, other libraries' warnings, to stderr),
    whatever handlers pytest installed."""
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    ours = [logging.getLogger(name) for name in ("zoo", "tuning")]
    levels = [root.level] + [logger.level for logger in ours]
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    for logger in ours:
        logger.setLevel(logging.INFO)
    yield
    root.removeHandler(handler)
    for logger, level in zip([root, *ours], levels, strict=True):
        logger.setLevel(level)


@pytest.fixture(scope="module", autouse=True)
def _devices_listed():
    """As in a ``zoo`` process, TensorFlow's first device query (its cuInit line on a
    machine without CUDA) has been made quietly before any command runs."""
    import os

    import tensorflow as tf

    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        tf.config.list_physical_devices()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _fixtures(tmp_path):
    files = {"out": tmp_path / "out", "file": tmp_path / "a_file.txt", "empty": tmp_path / "empty",
             "garbage": tmp_path / "garbage", "badvocab": tmp_path / "badvocab"}
    files["file"].write_text("keep me")
    files["empty"].mkdir()
    from zoo.text import CharVocabulary

    for name in ("garbage", "badvocab"):
        files[name].mkdir()
        (files[name] / "model.keras").write_bytes(b"PK\x03\x04 not really a zip")
    CharVocabulary.fit("the quick brown fox").save(files["garbage"])
    (files["badvocab"] / "vocab.json").write_text('{"format": "something else"}')
    files["data"] = _data_files(tmp_path / "data")
    return files


def _data_files(data):
    """Bad (and a few good) files of one's own for the data flags' cases."""
    from PIL import Image

    from tests.zoo.data._files import write_digit_folder, write_rows

    data.mkdir()
    write_digit_folder(data / "photos", size=8, per_class=3, classes=(0, 1))
    (data / "flat").mkdir()
    Image.fromarray(np.zeros((4, 4), "uint8")).save(data / "flat" / "a.png")
    write_rows(data / "t.csv", ["a", "b"], [[i, i % 2] for i in range(20)])
    write_rows(data / "one.csv", ["a", "label"], [[i, "spam"] for i in range(10)])
    write_rows(data / "holes.csv", ["a", "label"], [["" if i < 2 else i, i % 2]
                                                    for i in range(20)])
    write_rows(data / "inf.csv", ["a", "label"], [["inf" if i == 3 else i, i % 2]
                                                  for i in range(20)])
    (data / "data.xlsx").write_text("x")
    nan = np.zeros((20, 2))
    nan[0, 0] = np.nan
    np.savez(data / "nan.npz", x=nan, y=np.arange(20) % 2)
    np.savez(data / "len.npz", x=np.zeros((10, 2)), y=np.zeros(9))
    return data


def _listing(root):
    return sorted((str(p.relative_to(root)), p.is_file() and p.read_bytes()) for p in root.rglob("*"))


@pytest.mark.parametrize("argv, fragments", CASES,
                         ids=[" ".join(a)[:70] for a, _ in CASES])
def test_a_bad_invocation_is_one_line_exit_2_and_leaves_nothing(
        argv, fragments, tmp_path, capfd, monkeypatch, cli_logging):
    if READ_ONLY in argv and not sys.platform.startswith("linux"):
        pytest.skip("needs a read-only /sys")
    (tmp_path / "files").mkdir()
    files = _fixtures(tmp_path / "files")
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    before = _listing(tmp_path)
    argv = [a.format(**files) for a in argv]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    out, err = capfd.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, f"exit {code}; stderr:\n{err}"
    assert len(lines) == 1, f"stderr holds {len(lines)} lines:\n{err}"
    assert lines[0].startswith("zoo: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    assert "Traceback" not in out + err
    assert _listing(tmp_path) == before, "the refused command left files behind"
    assert not files["out"].exists()


@pytest.mark.parametrize("argv, fragment", [
    (["tune", "fnn", "--objective", "val_f1"], "does not report objective 'val_f1'"),
    (["train", "fnn", "--data", "regression", "--data-option", "noise=1e999"], "'1e999'"),
    (["compare", "fnn", "--vary", "activation=relu,relux"], "activation='relux'"),
])
def test_a_real_zoo_process_prints_one_line_too(argv, fragment, tmp_path):
    import os
    import subprocess

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": root}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # what a user's shell has
    proc = subprocess.run([sys.executable, "-m", "zoo.cli", *argv, "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert lines[0].startswith("zoo: error: ") and fragment in lines[0]
    assert not (tmp_path / "o").exists()


def test_a_refused_image_folder_prints_its_error_without_the_notes_before_it(tmp_path):
    """Loading logs notes (stray files ignored) before the check that refuses the folder;
    a real process's stderr holds the refusal only."""
    import os
    import subprocess

    from tests.zoo.data._files import write_digit_folder

    folder = write_digit_folder(tmp_path / "photos", size=8, per_class=3, classes=(0,))
    (folder / "0" / "notes.txt").write_text("a stray file")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": root}
    proc = subprocess.run([sys.executable, "-m", "zoo.cli", "train", "cnn", "--data", str(folder),
                           "--out", str(tmp_path / "o")], capture_output=True, text=True,
                          timeout=300, env=env, cwd=tmp_path)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr
    assert lines[0].startswith("zoo: error: ") and "has one class subfolder ('0')" in lines[0]
