"""zoo.io: progress lines shown like Keras' progress bars."""

import logging

import keras

from zoo.io import show_progress


def test_progress_lines_go_to_stdout_or_to_the_log_as_keras_progress_does(capsys, caplog):
    show_progress("[trial 1/2] val_loss=0.5000")
    assert capsys.readouterr().out == "[trial 1/2] val_loss=0.5000\n"
    keras.config.disable_interactive_logging()
    try:
        with caplog.at_level(logging.INFO, logger="tuning.job"):
            show_progress("[trial 2/2] val_loss=0.4000", logging.getLogger("tuning.job"))
    finally:
        keras.config.enable_interactive_logging()
    assert capsys.readouterr().out == ""
    assert [(r.name, r.getMessage()) for r in caplog.records] == [
        ("tuning.job", "[trial 2/2] val_loss=0.4000")]
