"""resolve_strategy: selection logic with the TPU resolver and the device list substituted."""

import pytest

from zoo import distribute


class _FakeResolver:
    def master(self):
        return "grpc://10.0.0.2:8470"


@pytest.fixture
def no_hardware(monkeypatch):
    monkeypatch.setattr(distribute, "_find_tpu", lambda: None)
    monkeypatch.setattr(distribute, "_list_gpus", lambda: [])


def test_auto_prefers_a_tpu_when_the_resolver_finds_one(monkeypatch):
    resolver = _FakeResolver()
    connected = []

    class FakeTPUStrategy:
        num_replicas_in_sync = 8

    def connect(r):
        connected.append(r)
        return FakeTPUStrategy()

    monkeypatch.setattr(distribute, "_find_tpu", lambda: resolver)
    monkeypatch.setattr(distribute, "_connect_tpu", connect)
    monkeypatch.setattr(distribute, "_list_gpus", lambda: ["/gpu:0", "/gpu:1"])
    strategy = distribute.resolve_strategy("auto")
    assert isinstance(strategy, FakeTPUStrategy) and connected == [resolver]
    assert distribute.is_tpu_strategy(strategy)
    assert distribute.resolve_strategy("tpu").num_replicas_in_sync == 8


def test_auto_mirrors_over_several_gpus(monkeypatch):
    import tensorflow as tf

    made = []

    class FakeMirrored:
        def __init__(self, devices):
            made.append(list(devices))
            self.num_replicas_in_sync = len(devices)

    monkeypatch.setattr(distribute, "_find_tpu", lambda: None)
    monkeypatch.setattr(distribute, "_list_gpus", lambda: ["/gpu:0", "/gpu:1", "/gpu:2"])
    monkeypatch.setattr(tf.distribute, "MirroredStrategy", FakeMirrored)
    assert distribute.resolve_strategy("auto").num_replicas_in_sync == 3
    assert distribute.resolve_strategy("mirrored").num_replicas_in_sync == 3
    assert made == [["/gpu:0", "/gpu:1", "/gpu:2"]] * 2


def test_auto_uses_the_default_strategy_on_one_gpu_or_the_cpu(monkeypatch):
    import tensorflow as tf

    monkeypatch.setattr(distribute, "_find_tpu", lambda: None)
    for gpus in ([], ["/gpu:0"]):
        monkeypatch.setattr(distribute, "_list_gpus", lambda gpus=gpus: gpus)
        strategy = distribute.resolve_strategy("auto")
        assert strategy is tf.distribute.get_strategy()
        assert strategy.num_replicas_in_sync == 1


@pytest.mark.parametrize("spec, needle", [("gpu", "no GPU"), ("mirrored", "GPU"),
                                          ("tpu", "no TPU"), ("multiworker", "TF_CONFIG")])
def test_explicit_strategies_fail_clearly_without_the_hardware(no_hardware, monkeypatch, spec,
                                                               needle):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match=f"resolve_strategy: spec='{spec}'.*{needle}"):
        distribute.resolve_strategy(spec)


def test_cpu_strategy_and_bad_specs(no_hardware):
    strategy = distribute.resolve_strategy("cpu")
    assert type(strategy).__name__ == "OneDeviceStrategy"
    assert distribute.describe(strategy) == "OneDeviceStrategy(1 replica)"
    assert distribute.resolve_strategy(strategy) is strategy
    with pytest.raises(ValueError, match="unknown spec='tpus'.*Did you mean 'tpu'"):
        distribute.resolve_strategy("tpus")
    with pytest.raises(TypeError, match="resolve_strategy: `spec`"):
        distribute.resolve_strategy(3)


def test_gpu_strategy_uses_the_first_gpu(monkeypatch):
    import tensorflow as tf

    monkeypatch.setattr(distribute, "_find_tpu", lambda: None)
    monkeypatch.setattr(distribute, "_list_gpus", lambda: ["/gpu:0", "/gpu:1"])
    monkeypatch.setattr(tf.distribute, "OneDeviceStrategy", lambda device: ("one", device))
    assert distribute.resolve_strategy("gpu") == ("one", "/gpu:0")
