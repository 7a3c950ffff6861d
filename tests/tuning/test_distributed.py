"""Distributed tuning (chief + local workers), worker death, GPU pinning, thread shares."""

import pytest

import zoo
from tests.tuning._helpers import SMALL, SMALL_RANGES, DyingCNN, small_cnn
from tuning import distributed, run_search


@pytest.fixture(scope="module")
def digits():
    return zoo.data.load("digits", seed=0)


def test_worker_env_pins_one_gpu_per_worker_and_shares_cpu_threads():
    gpus = ["0", "1", "2", "3"]
    envs = [distributed.worker_env(i, 4, gpus=gpus, cpu_count=16, base_env={}) for i in range(4)]
    assert [e["CUDA_VISIBLE_DEVICES"] for e in envs] == gpus
    assert {e["TF_NUM_INTRAOP_THREADS"] for e in envs} == {"4"}
    assert {e["OMP_NUM_THREADS"] for e in envs} == {"4"}
    assert [e["KERASTUNER_TUNER_ID"] for e in envs] == ["tuner0", "tuner1", "tuner2", "tuner3"]
    # More workers than GPUs: round robin. No GPU: no CUDA_VISIBLE_DEVICES, 1 thread minimum.
    assert distributed.worker_env(3, 4, gpus=["0", "1"], cpu_count=2,
                                  base_env={})["CUDA_VISIBLE_DEVICES"] == "1"
    cpu_only = distributed.worker_env(0, 4, gpus=[], cpu_count=2, base_env={})
    assert "CUDA_VISIBLE_DEVICES" not in cpu_only and cpu_only["TF_NUM_INTRAOP_THREADS"] == "1"


def test_visible_gpu_ids_follow_the_device_list(monkeypatch):
    from zoo import distribute

    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    monkeypatch.setattr(distribute, "_list_gpus", lambda: ["/gpu:0", "/gpu:1", "/gpu:2"])
    assert distributed.visible_gpu_ids() == ["0", "1", "2"]
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "4,6")
    assert distributed.visible_gpu_ids() == ["4", "6"]


def test_parse_address():
    assert distributed.parse_address("10.0.0.2:8000") == ("10.0.0.2", 8000)
    assert distributed.parse_address(":9000") == ("127.0.0.1", 9000)
    assert distributed.parse_address("localhost") == ("localhost", 8000)
    for bad in ("host:port", "h:70000", ""):
        with pytest.raises(ValueError, match="oracle address"):
            distributed.parse_address(bad)


@pytest.mark.slow
def test_chief_and_two_workers_split_the_trials(tmp_path, digits):
    result = run_search(small_cnn(digits, seed=0), digits, "random", max_trials=6, max_epochs=3,
                        directory=tmp_path, seed=0, workers=2)
    assert len(result.trials) == 6
    assert all(t["status"] == "COMPLETED" for t in result.trials)
    per_worker = result.report["trials_per_worker"]
    assert set(per_worker) == {"tuner0", "tuner1"} and sum(per_worker.values()) == 6
    assert result.test_metrics["accuracy"] > 0.6
    assert (tmp_path / "best_model.keras").exists()


@pytest.mark.slow
def test_a_worker_killed_mid_trial_does_not_stop_the_search(tmp_path, digits):
    hm = DyingCNN(digits.input_shape, digits.num_classes, seed=0, fixed=dict(SMALL),
                  ranges=dict(SMALL_RANGES), train_size=len(digits.x_train), die_as="tuner1",
                  marker=str(tmp_path / "died"))
    result = run_search(hm, digits, "random", max_trials=4, max_epochs=2, directory=tmp_path,
                        seed=0, workers=2)
    assert (tmp_path / "died").exists()  # tuner1 really was SIGKILLed in a trial
    assert len(result.trials) == 4
    assert all(t["status"] == "COMPLETED" for t in result.trials)
    assert sorted(t["attempts"] for t in result.trials) == [1, 1, 1, 2]
    assert {t["worker"] for t in result.trials} == {"tuner0"}


def test_a_worker_tuner_does_not_build_models_to_discover_the_space(tmp_path, monkeypatch):
    from tuning import HyperFNN, make_tuner

    hm = HyperFNN((64,), 10, seed=0)  # 'momentum' is conditional: the chief builds twice
    builds = []
    build = hm.build
    hm.build = lambda hp: builds.append(1) or build(hp)
    make_tuner("random", hm, objective="val_accuracy", max_trials=2, directory=tmp_path,
               project_name="space")
    chief_builds = len(builds)
    monkeypatch.setenv("KERASTUNER_TUNER_ID", "tuner0")
    monkeypatch.setenv("KERASTUNER_ORACLE_IP", "127.0.0.1")
    monkeypatch.setenv("KERASTUNER_ORACLE_PORT", "1")  # never called: no trial is run
    worker = make_tuner("random", hm, objective="val_accuracy", max_trials=2,
                        directory=tmp_path, project_name="space")
    assert chief_builds == 2 and len(builds) == chief_builds
    assert type(worker.oracle).__name__ == "OracleClient"


@pytest.fixture
def not_a_chief():
    """Servers on 127.0.0.1 that answer but are no tuning chief: a plain HTTP server and
    a gRPC server of another service. Only the loopback address is ever contacted."""
    import http.server
    import threading
    from concurrent import futures

    import grpc

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep the test's stderr to what zoo prints
            pass

    web = http.server.HTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    other = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    other_port = other.add_insecure_port("127.0.0.1:0")
    other.start()
    yield {"http": web.server_address[1], "grpc": other_port}
    other.stop(grace=0)
    web.shutdown()
    web.server_close()


def test_a_port_that_answers_but_is_no_chief_gives_the_one_line_message(not_a_chief, capsys,
                                                                        tmp_path):
    import urllib.request

    from zoo.cli import main

    http_port, grpc_port = not_a_chief["http"], not_a_chief["grpc"]
    with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/", timeout=5) as answer:
        assert answer.status == 200  # it does answer HTTP
    with pytest.raises(distributed.OracleUnreachableError,
                       match=rf"no tuning chief answered at 127.0.0.1:{http_port} \(nothing "):
        distributed.check_reachable(("127.0.0.1", http_port), timeout=1)
    reasons = []
    for port in (grpc_port, http_port):
        code = main(["tune", "cnn", "--role", "worker", "--oracle", f"127.0.0.1:{port}",
                     "--out", str(tmp_path / "worker")])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1, err
        assert err[0].startswith(f"zoo: error: no tuning chief answered at 127.0.0.1:{port} (")
        assert "start the chief first" in err[0] and "Traceback" not in err[0]
        reasons.append(err[0].split("(", 1)[1].split(")", 1)[0])
    assert reasons == ["another service answers there: UNIMPLEMENTED", "nothing within 5 s"]
    assert not (tmp_path / "worker").exists()  # refused before any data or file
