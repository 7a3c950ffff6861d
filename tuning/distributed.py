"""keras-tuner's chief/worker mode: local worker processes or one role of a cluster.

keras-tuner runs a distributed search as one *chief*, which owns the oracle and
serves it over gRPC, and any number of *workers*, which ask the chief for trials,
train them and report back. It is configured through the environment variables
``KERASTUNER_TUNER_ID``, ``KERASTUNER_ORACLE_IP`` and ``KERASTUNER_ORACLE_PORT``;
this module sets them.

* :func:`run_chief` with ``workers=N`` serves the oracle from this process and
  starts N worker processes on this machine (isolated interpreters that receive
  the job as JSON, :func:`worker_command`), each limited to its share of the
  CPU threads and, on a multi-GPU host, pinned to one GPU (worker i sees GPU
  i mod #GPUs through ``CUDA_VISIBLE_DEVICES``); workers sharing a GPU each get
  their share of its memory, and on JAX all use the job's compilation cache
  (:mod:`tuning.accelerator`). A worker that dies mid-trial does
  not stop the search: its trial goes back in the queue and the remaining
  workers finish it.
* With ``workers=0`` it serves remote workers (``zoo tune ... --role worker
  --oracle HOST:PORT`` on other machines) until the search is over.

Security: keras-tuner's oracle service is plain, unauthenticated gRPC. Anyone who
can reach the port can read the search space and results and inject trials. The
chief therefore binds to 127.0.0.1 unless given another address; expose it only
on a trusted network (or tunnel it through SSH).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time

from tuning import accelerator
from tuning.config import DEFAULT_HOST, DEFAULT_PORT, parse_address  # noqa: F401 - re-exported
from tuning.job import WORKER_SPEC_FILE, Job, TrialClock, package_root
from tuning.jobfiles import reload_tuner
from zoo import backend
from zoo.io import read_json, write_json

logger = logging.getLogger("tuning.distributed")

ENV_KEYS = ("KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT")


class OracleUnreachableError(ValueError):
    """The chief's oracle service did not answer at the given address."""


def check_reachable(address, timeout: float = 5.0) -> None:
    """Check within ``timeout`` seconds that a tuning chief answers at ``address``.

    keras-tuner's client otherwise waits up to an hour on each call. The channel
    must become ready and the oracle service must answer a read of the search
    space: a port where another service listens (a web server, another gRPC
    service) is no chief either.

    Raises:
        OracleUnreachableError: nothing answered in time, or what answered is no
            tuning chief; the same one-line message starts both.
    """
    import grpc

    from tuning import _compat

    host, port = address
    def unreachable(reason):
        return OracleUnreachableError(
            f"no tuning chief answered at {host}:{port} ({reason}); start the chief first "
            "(zoo tune ... --role chief --oracle HOST:PORT) and check the address and any "
            "firewall")

    channel = grpc.insecure_channel(f"{host}:{port}")
    try:
        grpc.channel_ready_future(channel).result(timeout=timeout)
        _compat.ask_oracle(channel, timeout)
    except grpc.FutureTimeoutError:
        raise unreachable(f"nothing within {timeout:g} s") from None
    except grpc.RpcError as error:
        code = error.code().name if callable(getattr(error, "code", None)) else "no answer"
        raise unreachable(f"another service answers there: {code}") from None
    finally:
        channel.close()


def worker_env(index: int, workers: int, *, gpus=(), cpu_count: int | None = None,
               base_env=None, gpu_bytes: int | None = None, cache: str | None = None) -> dict:
    """Environment of local worker ``index`` of ``workers``.

    Each worker gets ``cpu_count // workers`` (at least 1) intra-op threads and one
    inter-op thread, for whichever backend it runs
    (:func:`zoo.backend.process_environment`: ``TF_NUM_INTRAOP_THREADS``,
    ``OMP_NUM_THREADS``, ``XLA_FLAGS``). With GPUs present, worker ``i`` sees only
    GPU ``gpus[i % len(gpus)]`` through ``CUDA_VISIBLE_DEVICES``, so N workers on an
    N-GPU host run N trials at once; workers sharing a GPU each get their share of
    its memory (:func:`tuning.accelerator.share_environment`; ``gpu_bytes``: the
    GPUs' memory, when known). ``cache`` is the job's JAX compilation cache
    (:func:`tuning.accelerator.cache_environment`).

    Example:
        >>> env = worker_env(1, 2, gpus=["0", "1"], cpu_count=16, base_env={})
        >>> env["CUDA_VISIBLE_DEVICES"], env["TF_NUM_INTRAOP_THREADS"]
        ('1', '8')
    """

    env = dict(os.environ if base_env is None else base_env)
    cpus = cpu_count or os.cpu_count() or 1
    env.update(backend.process_environment(max(1, cpus // max(1, workers)), base_env=env,
                                           shared_accelerator=bool(gpus) and workers > len(gpus)))
    env["KERASTUNER_TUNER_ID"] = f"tuner{index}"
    if gpus:
        env["CUDA_VISIBLE_DEVICES"] = str(gpus[index % len(gpus)])
        env.update(accelerator.share_environment(workers, gpus, total_bytes=gpu_bytes))
    if cache:
        env.update(accelerator.cache_environment(cache))
    return env


def visible_gpu_ids() -> list[str]:
    """IDs to put in ``CUDA_VISIBLE_DEVICES`` for the GPUs this process can use."""
    listed = os.environ.get("CUDA_VISIBLE_DEVICES")
    if listed is not None:
        return [g.strip() for g in listed.split(",") if g.strip() and g.strip() != "-1"]
    from zoo.distribute import _list_gpus

    return [str(i) for i in range(len(_list_gpus()))]


def _set_env(tuner_id, host, port):
    os.environ["KERASTUNER_TUNER_ID"] = tuner_id
    os.environ["KERASTUNER_ORACLE_IP"] = host
    os.environ["KERASTUNER_ORACLE_PORT"] = str(port)


def _clear_env(saved):
    for key in ENV_KEYS:
        if saved.get(key) is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = saved[key]


RECYCLE_EXIT = 3  # a worker's exit code after finishing its share of trials


def run_chief(job, *, progress=None, poll=0.1):
    """Serve the job's oracle and, with local workers, run the worker processes.

    The address, the number of local workers (0: wait for remote workers) and
    ``trials_per_process`` (each local worker exits after this many trials and a
    fresh process takes its place) come from ``job.config``.

    Args:
        job: A :class:`tuning.job.Job`.
        progress: Per-trial progress callback (see :class:`tuning.job.TrialClock`).
        poll: Seconds between checks of the workers and the oracle.

    Returns:
        ``(tuner, clock)``: the chief's tuner (holding the real oracle) and its clock.

    Raises:
        RuntimeError: the workers kept dying before the search was over.
        ValueError: the address cannot be bound.
    """
    from tuning import _compat

    config = job.config
    workers, trials_per_process = config.workers, config.trials_per_process
    host, port = config.address
    saved = {k: os.environ.get(k) for k in ENV_KEYS}
    _set_env("chief", host, port)
    procs = {}
    try:
        tuner = reload_tuner(job)  # run_search has wiped the project for overwrite
        tuner.save()
        clock = TrialClock(tuner.oracle, tuner.project_dir, progress=progress,
                           budget=config.budget)
        server, servicer, bound = _compat.start_oracle_server(tuner.oracle, host, port)
        logger.info("tuning chief serving on %s:%d (unauthenticated gRPC: trusted networks only)",
                    host, bound)
        if workers:
            job_path = os.path.join(tuner.project_dir, WORKER_SPEC_FILE)
            write_json(job_path, job.to_spec(tuner.project_dir))
            gpus = visible_gpu_ids()
            memory = accelerator.gpu_memory(visible=gpus) if gpus else []
            gpu_bytes = min(g["total"] for g in memory) if memory else None
            cache = accelerator.cache_dir(config.directory) if backend.name() == "jax" else None

            def spawn(i):
                env = worker_env(i, workers, gpus=gpus, gpu_bytes=gpu_bytes, cache=cache)
                env.update(KERASTUNER_ORACLE_IP=host, KERASTUNER_ORACLE_PORT=str(bound))
                cmd = worker_command(job_path, f"{host}:{bound}", trials_per_process)
                share = env.get(accelerator.FRACTION_ENV)
                logger.info("starting worker tuner%d (%s threads%s%s)", i,
                            env["TF_NUM_INTRAOP_THREADS"],
                            f", GPU {env['CUDA_VISIBLE_DEVICES']}" if gpus else "",
                            f", {share} of its memory" if share else "")
                return subprocess.Popen(cmd, env=env)

            procs = {i: spawn(i) for i in range(workers)}
            deaths = 0
        oracle = tuner.oracle
        try:
            while not _compat.search_over(oracle, servicer):
                time.sleep(poll)
                for i, proc in list(procs.items()):
                    code = proc.poll()
                    if code is None:
                        continue
                    del procs[i]
                    if code == RECYCLE_EXIT:
                        if _compat.nothing_left(oracle):
                            _compat.stop_serving(servicer)
                            _compat.forget_tuner(oracle, f"tuner{i}")
                        else:
                            procs[i] = spawn(i)  # a fresh process continues its work
                        continue
                    if code != 0:
                        deaths += 1
                        logger.warning("worker tuner%d exited with code %s", i, code)
                        clock.forget_worker(f"tuner{i}")
                        if not procs and not _compat.search_over(oracle, servicer):
                            if deaths > 2 * workers:
                                raise RuntimeError(
                                    "the tuning workers keep dying before the search is over; "
                                    "see their output above, then run the same command again "
                                    "to resume")
                            logger.warning("no live worker left: starting a replacement")
                            procs[i] = spawn(i)
        finally:
            server.stop(grace=1)
        for proc in procs.values():
            proc.wait(timeout=60)
        procs = {}
    finally:
        for proc in procs.values():
            proc.kill()
        _clear_env(saved)
    tuner.oracle.save()
    return tuner, clock


def run_worker(job, address, *, tuner_id=None, max_trials=None) -> bool:
    """Run one worker of a distributed search until the chief says it is over.

    Args:
        job: A :class:`tuning.job.Job`.
        address: The chief's ``(host, port)``.
        tuner_id: This worker's ID (default ``KERASTUNER_TUNER_ID`` or ``tuner-<pid>``,
            with a warning: a remote worker needs a distinct, stable ID so that a
            restart with the same ID resumes its pending trial).
        max_trials: Stop after this many trials (the process is then replaced).

    Returns:
        ``True`` when the worker stopped after ``max_trials`` trials, ``False`` when
        the search is over.

    Raises:
        OracleUnreachableError: the chief does not answer within seconds.
    """
    check_reachable(address)
    if not (tuner_id or os.environ.get("KERASTUNER_TUNER_ID")):
        logger.warning("KERASTUNER_TUNER_ID is not set: this worker is tuner-%d; if it dies, "
                       "its trial stays pending on the chief. Give every remote worker a "
                       "distinct, stable KERASTUNER_TUNER_ID so a restart resumes it.",
                       os.getpid())
    tuner_id = tuner_id or os.environ.get("KERASTUNER_TUNER_ID") or f"tuner-{os.getpid()}"
    if "chief" in tuner_id:
        raise ValueError(f"worker tuner_id {tuner_id!r} must not contain 'chief'")
    saved = {k: os.environ.get(k) for k in ENV_KEYS}
    _set_env(tuner_id, *address)
    try:
        tuner = job.make_tuner(overwrite=False)  # never wipe the shared project
        tuner.zoo_max_trials = max_trials
        logger.info("worker %s connected to %s:%d", tuner_id, *address)
        job.search(tuner)
        return bool(getattr(tuner, "zoo_recycled", False))
    finally:
        _clear_env(saved)


def _limit_threads():
    threads = os.environ.get("TF_NUM_INTRAOP_THREADS")
    if threads:
        from zoo import backend

        backend.limit_threads(int(threads), int(os.environ.get("TF_NUM_INTEROP_THREADS", "1")))


#: What an isolated worker interpreter runs first: our package root on its path,
#: after the standard library and before site-packages, then the worker.
_WORKER_BOOT = (
    "import sys; root = sys.argv[1]; "
    "index = next((i for i, p in enumerate(sys.path) if '-packages' in p), len(sys.path)); "
    "sys.path.insert(index, root); "
    "from tuning.distributed import _exit_now, _main; _exit_now(_main(sys.argv[2:]))")


def worker_command(job_path, address, trials_per_process=None) -> list[str]:
    """The command line of a local worker process.

    ``python -I``: an isolated interpreter, whose path holds neither the current
    directory nor ``PYTHONPATH``, so a ``pickle.py`` (or any module) in the
    directory the search runs from is never imported. Our own package is put on
    the path explicitly (:func:`tuning.job.package_root`); a user's model module
    travels in the job file (:meth:`tuning.job.Job.to_spec`).

    Args:
        job_path: The job as JSON (:data:`tuning.job.WORKER_SPEC_FILE`).
        address: The chief's ``"HOST:PORT"``.
        trials_per_process: Trials after which the worker leaves, or ``None``.
    """
    cmd = [sys.executable, "-I", "-c", _WORKER_BOOT, package_root(), job_path, address]
    if trials_per_process:
        cmd.append(str(trials_per_process))
    return cmd


def _main(argv) -> int:
    """A local worker: ``JOB.json HOST:PORT [TRIALS_PER_PROCESS]`` (see :func:`worker_command`)."""
    if len(argv) not in (2, 3):
        print("usage: worker JOB.json HOST:PORT [TRIALS_PER_PROCESS]", file=sys.stderr)
        return 2
    # The chief reports every trial; a local worker speaks up only for problems.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    _limit_threads()
    limited = accelerator.apply_memory_limit()
    if limited:
        logger.info("GPU memory share: %s", limited)
    job = Job.from_spec(read_json(argv[0], what="worker job"))
    recycled = run_worker(job, parse_address(argv[1]),
                          max_trials=int(argv[2]) if len(argv) == 3 else None)
    return RECYCLE_EXIT if recycled else 0


def _exit_now(code: int) -> None:
    """Leave a worker process at once: its trials and files are written by now.

    Tearing TensorFlow down at interpreter exit takes most of a second, which the
    chief (and the user) would otherwise wait for after the last trial.
    """
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


