"""zoo._names: the copies of the loss and schedule names match the live tables."""

from zoo import _names


def test_the_loss_names_known_without_keras_are_the_losses_tables():
    from zoo.losses import list_losses

    live = list_losses()
    assert sorted(_names.LOSS_NAMES) == live, (
        f"zoo/_names.py LOSS_NAMES differs from zoo.losses.list_losses(): missing "
        f"{sorted(set(live) - set(_names.LOSS_NAMES))}, extra "
        f"{sorted(set(_names.LOSS_NAMES) - set(live))}")


def test_the_schedule_names_known_without_keras_are_the_schedules_table():
    from zoo.schedules import SCHEDULES

    assert _names.SCHEDULE_NAMES == SCHEDULES
