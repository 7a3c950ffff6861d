"""Reading a job directory back before a resume: what is damaged, restored or refused.

keras-tuner reloads a project from its files and fails with whatever its JSON
reader or ``KeyError`` says when one is missing or damaged, or, worse, starts
afresh over the finished trials (``tuner0.json`` deleted) or reuses a lost
trial's id for a new one. :func:`check_job_files` reads every file a resume
needs first and, for each, either repairs it or refuses with one message that
names the file and says what to do (importing it imports no keras-tuner):

==========================  ===============================================================
file                        missing or damaged
==========================  ===============================================================
``oracle.json``             refused (the search state cannot be rebuilt), unless the
                            project has no trial yet
``trial_N/trial.json``      restored from the copy in ``zoo_trials.json``, so the trial is
                            not run again (a trial that was running is run again, as after
                            a crash); refused when there is no usable copy
``zoo_trials.json``         moved aside to ``zoo_trials.json.damaged`` and reported (the
                            earlier trials' times and workers are lost, nothing else)
``tuner0.json``/``chief``   written again (it holds no state)
checkpoints                 not read here: a missing or unreadable one is retrained where
                            it is needed (:mod:`tuning.refit`, :mod:`tuning.reuse`)
==========================  ===============================================================

The manifest ``job.json`` is :func:`tuning.job.check_manifest`'s. Every refusal is a
:class:`JobFileError` (a ``ValueError``: exit status 2 from the command line).
"""

from __future__ import annotations

import copy
import glob
import json
import logging
import os

from tuning.job import CLOCK_FILE, read_clock, repair_hint
from zoo.io import write_json

logger = logging.getLogger("tuning.jobfiles")

ORACLE_FILE = "oracle.json"


class JobFileError(ValueError):
    """A job file a resume needs is missing or damaged and cannot be restored."""


def _read(path):
    """``(value, problem)``: the decoded JSON, or ``None`` and what is wrong with the file."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return None, "does not exist"
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot be read ({exc})"
    try:
        return json.loads(text), None
    except ValueError as exc:
        return None, f"is not valid JSON ({exc})"


def _trial_problem(state, trial_id) -> str | None:
    """What is wrong with a decoded ``trial.json`` for ``trial_id``, or ``None``."""
    from keras_tuner.engine.trial import Trial

    if not isinstance(state, dict) or state.get("trial_id") != trial_id:
        return f"is not the record of trial {trial_id}"
    try:
        Trial.from_state(copy.deepcopy(state))  # it turns the dicts it reads into objects
    except Exception as exc:  # noqa: BLE001 - any failure of keras-tuner's own reader
        return f"is not a readable trial record ({type(exc).__name__}: {exc})"
    return None


def check_job_files(project_dir, *, fn: str = "run_search", tuner_id: str = "tuner0") -> list:
    """Check, and where possible restore, the files a resumed search reads.

    Args:
        project_dir: keras-tuner's project directory (``<directory>/<project_name>``).
        fn: The caller's name, for messages.
        tuner_id: The tuner file this process reloads (``tuner0``, ``chief``).

    Returns:
        Warnings for the report, one per file restored or moved aside.

    Raises:
        JobFileError: a file that cannot be restored (the message names it and says
            to repair it or start afresh with ``--overwrite``).

    Example:
        >>> check_job_files("runs/tune/search")  # doctest: +SKIP
        ['runs/tune/search/trial_2/trial.json does not exist: restored from zoo_trials.json']
    """
    if not os.path.isdir(project_dir):
        return []
    from tuning import _compat  # keras-tuner: not before the command line needs it

    warnings = []
    oracle_path = os.path.join(project_dir, ORACLE_FILE)
    trial_dirs = sorted(d for d in glob.glob(os.path.join(project_dir, "trial_*"))
                        if os.path.isdir(d))
    state, problem = _read(oracle_path)
    if problem == "does not exist":
        records, _ = read_clock(os.path.join(project_dir, CLOCK_FILE), move_aside=False)
        ended = sum("end" in r for r in records.values())
        if trial_dirs or ended:
            found = (f"{len(trial_dirs)} trial folders" if trial_dirs
                     else f"{ended} finished trials in {CLOCK_FILE}")
            raise JobFileError(f"{fn}: the search state {oracle_path} does not exist, but the "
                               f"job holds {found}; {repair_hint()}")
        return warnings  # nothing ran yet: keras-tuner starts the project afresh
    if problem is None:
        problem = _compat.oracle_state_problem(state)
    if problem is not None:
        raise JobFileError(f"{fn}: the search state {oracle_path} {problem}; {repair_hint()}")

    records, warning = read_clock(os.path.join(project_dir, CLOCK_FILE))
    if warning:
        warnings.append(warning)
    referenced, ended = _compat.trials_in_oracle_state(state)
    for trial_id in sorted(referenced):
        path = os.path.join(project_dir, f"trial_{trial_id}", "trial.json")
        trial_state, problem = _read(path)
        if problem is None:
            problem = _trial_problem(trial_state, trial_id)
        if problem is None:
            continue
        saved = records.get(trial_id, {}).get("trial")
        if saved is None or _trial_problem(saved, trial_id) is not None or (
                trial_id in ended and saved.get("status") == "RUNNING"):
            raise JobFileError(f"{fn}: trial file {path} {problem}, and {CLOCK_FILE} holds no "
                               f"usable copy of it; {repair_hint()}")
        write_json(path, saved)
        warnings.append(f"{path} {problem}: restored from {CLOCK_FILE}")
        logger.warning("%s", warnings[-1])
    for directory in trial_dirs:
        trial_id = os.path.basename(directory)[len("trial_"):]
        path = os.path.join(directory, "trial.json")
        if trial_id in referenced or not os.path.exists(path):
            continue
        trial_state, problem = _read(path)
        if problem is None:
            problem = _trial_problem(trial_state, trial_id)
        if problem is not None:  # never recorded by the oracle: keras-tuner would choke on it
            os.replace(path, path + ".damaged")
            warnings.append(f"{path} {problem} and the search state does not list it: moved "
                            "aside")
            logger.warning("%s", warnings[-1])
    tuner_files = {os.path.join(project_dir, f"{tuner_id}.json")}
    tuner_files |= set(glob.glob(os.path.join(project_dir, "tuner*.json")))
    tuner_files |= set(glob.glob(os.path.join(project_dir, "chief.json")))
    for path in sorted(tuner_files):
        value, problem = _read(path)
        if problem is None and isinstance(value, dict):
            continue
        # keras-tuner's tuners keep no state of their own in it ({}), but without it
        # they would not reload the search at all and start over the finished trials.
        write_json(path, {})
        if problem != "does not exist":
            warnings.append(f"{path} {problem or 'is not a tuner record'}: written again "
                            "(it holds no state)")
            logger.warning("%s", warnings[-1])
    return warnings


def reload_tuner(job, *, fn: str = "run_search"):
    """The job's tuner, its project reloaded; a state keras-tuner cannot read is refused.

    Call it after :func:`check_job_files` (and after ``overwrite`` wiped the project:
    the tuner never wipes it itself).

    Raises:
        JobFileError: keras-tuner fails to reload an existing project (names it).
    """
    resuming = os.path.exists(os.path.join(job.project_dir, ORACLE_FILE))
    try:
        return job.make_tuner(overwrite=False)
    except Exception as exc:  # noqa: BLE001 - whatever keras-tuner's reader raises
        if not resuming:
            raise
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise JobFileError(f"{fn}: the search state {os.path.join(job.project_dir, ORACLE_FILE)}"
                           f" cannot be reloaded ({type(exc).__name__}: {reason}); "
                           f"{repair_hint()}") from None


__all__ = ["JobFileError", "check_job_files", "reload_tuner"]
