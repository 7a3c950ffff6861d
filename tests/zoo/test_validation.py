"""Bad input is refused before any model is built, naming the parameter and the value."""

import pytest

import zoo

FNN = dict(input_shape=(8,), task="binary")
CNN = dict(input_shape=(8, 8, 1), task="multiclass", num_classes=10)
LSTM = dict(input_shape=(8, 8), task="multiclass", num_classes=10)


@pytest.mark.parametrize("builder,kwargs,error,pattern", [
    (zoo.build_fnn, dict(FNN, input_shape=()), ValueError, r"input_shape.*rank"),
    (zoo.build_fnn, dict(FNN, input_shape=(1, 2, 3, 4, 5)), ValueError, r"input_shape.*rank"),
    (zoo.build_cnn, dict(CNN, input_shape=(8,)), ValueError, r"input_shape.*rank 2 or 3"),
    (zoo.build_cnn, dict(CNN, input_shape=(8, 0, 1)), ValueError, r"input_shape=\(8, 0, 1\)"),
    (zoo.build_fnn, dict(FNN, hidden_units=(64, 0)), ValueError, r"hidden_units=\(64, 0\)"),
    (zoo.build_fnn, dict(FNN, hidden_units=(64, -3)), ValueError, r"hidden_units"),
    (zoo.build_fnn, dict(FNN, hidden_units=("64",)), TypeError, r"hidden_units.*'64'"),
    (zoo.build_fnn, dict(FNN, hidden_units="64"), TypeError, r"hidden_units='64'"),
    (zoo.build_cnn, dict(CNN, filters=(32, 0)), ValueError, r"filters=\(32, 0\)"),
    (zoo.build_lstm, dict(LSTM, units=(0,)), ValueError, r"units=\(0,\)"),
    (zoo.build_fnn, dict(FNN, dropout=1.0), ValueError, r"dropout.*\[0.0, 1.0\).*1.0"),
    (zoo.build_fnn, dict(FNN, dropout=-0.1), ValueError, r"dropout=-0.1"),
    (zoo.build_lstm, dict(LSTM, recurrent_dropout=1.5), ValueError, r"recurrent_dropout"),
    (zoo.build_fnn, dict(FNN, task="clustering"), ValueError, r"task='clustering'"),
    (zoo.build_fnn, dict(FNN, activation="relux"), ValueError, r"activation='relux'.*relu"),
    (zoo.build_fnn, dict(FNN, kernel_initializer="hee"), ValueError, r"kernel_initializer"),
    (zoo.build_lstm, dict(LSTM, cell="transformer"), ValueError, r"cell='transformer'"),
    (zoo.build_fnn, dict(FNN, task="multiclass"), ValueError, r"num_classes"),
    (zoo.build_fnn, dict(FNN, task="multiclass", num_classes=1), ValueError,
     r"num_classes >= 2.*num_classes=1"),
    (zoo.build_cnn, dict(CNN, kernel_size=9, padding="valid"), ValueError,
     r"kernel_size=9.*padding='valid'"),
    (zoo.build_cnn, dict(CNN, filters=(8, 8, 8, 8)), ValueError, r"cannot pool"),
    (zoo.build_cnn, dict(CNN, padding="full"), ValueError, r"padding='full'"),
    (zoo.build_fnn, dict(FNN, l2=-1.0), ValueError, r"l2=-1.0"),
    (zoo.build_fnn, dict(FNN, learning_rate=0), ValueError, r"learning_rate"),
    (zoo.build_fnn, dict(FNN, batch_norm="yes"), TypeError, r"batch_norm='yes'"),
    (zoo.build_lstm, dict(LSTM, embedding_dim=8), ValueError, r"embedding_dim.*vocab_size"),
])
def test_bad_argument_is_refused_with_clear_message(builder, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        builder(**kwargs)


def test_refusal_happens_before_any_layer_is_built(monkeypatch):
    import keras

    def forbidden(*args, **kwargs):
        raise AssertionError("a Keras tensor was created before validation finished")

    monkeypatch.setattr(keras, "Input", forbidden)
    with pytest.raises(ValueError, match="hidden_units"):
        zoo.build_fnn((8,), task="binary", hidden_units=(4, 0))
    with pytest.raises(ValueError, match="kernel_size"):
        zoo.build_cnn((4, 4, 1), task="binary", kernel_size=5, padding="valid")


def test_unknown_model_lists_known_and_suggests():
    with pytest.raises(ValueError, match=r"registered models: .*cnn.*Did you mean 'cnn'"):
        zoo.create_model("cnm", input_shape=(8, 8, 1), task="binary")


def test_create_model_refuses_unknown_argument():
    with pytest.raises(TypeError, match="hidden_unit"):
        zoo.create_model("fnn", input_shape=(8,), task="binary", hidden_unit=(3,))


def test_registering_a_name_twice_is_an_error():
    with pytest.raises(ValueError, match="already registered"):
        zoo.register_model("fnn")(lambda **kw: None)


def test_user_registered_model_is_created_and_listed():
    @zoo.register_model("tiny_mlp_for_test", input_kind="flat")
    def build_tiny(input_shape, *, task, **kwargs):
        """A one-layer MLP."""
        return zoo.build_fnn(input_shape, task=task, hidden_units=(4,), **kwargs)

    try:
        assert "tiny_mlp_for_test" in zoo.list_models("tiny*")
        assert zoo.get_spec("tiny_mlp_for_test").description == "A one-layer MLP."
        model = zoo.create_model("tiny_mlp_for_test", input_shape=(3,), task="binary")
        assert model.output_shape == (None, 1)
    finally:
        zoo.registry.unregister_model("tiny_mlp_for_test")


def test_check_arguments_runs_a_factorys_checks_without_building_or_importing_keras():
    import json
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import json, sys
        import zoo
        from zoo._validate import check_arguments
        from zoo.registry import get_spec, list_models
        checked, refused = [], {}
        for name in list_models():
            spec = get_spec(name)
            if "unsupervised" in spec.tags:
                continue
            data = zoo.data.load("series" if spec.input_kind == "sequence" else "digits",
                                 **({"representation": "flat"} if spec.input_kind == "flat"
                                    else {}))
            kwargs = spec.kwargs_for(data)
            check_arguments(spec.factory, **kwargs)
            checked.append(name)
            try:
                check_arguments(spec.factory, **kwargs, activation="relux")
            except ValueError as exc:
                refused[name] = str(exc)
        print(json.dumps({"checked": checked, "refused": refused,
                          "keras": "keras" in sys.modules}))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["keras"] is False
    assert set(out["checked"]) >= {"fnn", "cnn", "lstm", "gru", "bilstm"}
    assert set(out["refused"]) == set(out["checked"])
    assert all("activation='relux'" in message for message in out["refused"].values())


def test_check_arguments_leaves_other_factories_alone_and_catches_a_missing_build_starts():
    import pytest

    from zoo._validate import check_arguments

    calls = []

    def users_factory(**kwargs):  # not the zoo's: checked when it builds
        calls.append(kwargs)

    check_arguments(users_factory, units=3)
    assert calls == []

    def forgetful(**kwargs):
        calls.append(kwargs)

    forgetful.__module__ = "zoo.models.forgetful"
    with pytest.raises(RuntimeError, match="call zoo._validate.build_starts"):
        check_arguments(forgetful, units=3)
    assert calls == [{"units": 3}]


# ------------------------------------------------------- the output directory (check_output_dir)

def test_an_output_directory_is_proved_writable_and_nothing_is_left(tmp_path):
    from zoo._validate import check_output_dir

    nested = tmp_path / "a" / "b" / "run"
    assert check_output_dir("train", "out_dir", str(nested)) == nested
    assert list(tmp_path.iterdir()) == []  # the folders made for the probe are gone again
    (tmp_path / "existing").mkdir()
    (tmp_path / "existing" / "keep.txt").write_text("x")
    check_output_dir("train", "out_dir", tmp_path / "existing")
    assert [p.name for p in (tmp_path / "existing").iterdir()] == ["keep.txt"]


@pytest.mark.parametrize("path, message", [
    ("", r"`out_dir` must name a directory, received out_dir=''"),
    ("   ", r"must name a directory"),
    ("{file}", r"is a file, not a directory"),
    ("{file}/run", r"cannot be created: .* is a file"),
])
def test_bad_output_directories_are_refused(tmp_path, path, message):
    from zoo._validate import check_output_dir

    (tmp_path / "f.txt").write_text("keep")
    with pytest.raises(ValueError, match=message):
        check_output_dir("train", "out_dir", path.format(file=tmp_path / "f.txt"))
    assert (tmp_path / "f.txt").read_text() == "keep"
    with pytest.raises(TypeError, match="must be a directory path"):
        check_output_dir("train", "out_dir", 3)


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="needs /sys")
def test_a_read_only_file_system_is_refused():
    from zoo._validate import check_output_dir

    with pytest.raises(ValueError, match=r"`out` '/sys/zoo_x/run' is not a writable directory"):
        check_output_dir("generate", "out", "/sys/zoo_x/run")


def test_a_non_finite_number_says_finite():
    from zoo._validate import check_number

    with pytest.raises(ValueError, match=r"`noise` must be a finite number in \[0.0, inf\], "
                                         r"received noise=inf"):
        check_number("load", "noise", float("inf"), low=0.0)
