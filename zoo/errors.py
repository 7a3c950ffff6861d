"""The exception of a job that ran and failed, as opposed to one refused at the door.

A bad argument, file or array raises ``ValueError``/``TypeError`` before any work
(the command line: one ``zoo: error:`` line, exit status 2). :class:`JobFailedError`
is for a job that ran and cannot deliver what it promised: a training that
diverged (its model is not saved), a search in which no trial completed. The
command line prints it as one ``zoo: error:`` line too, with exit status 1.

No Keras, no backend: the command line imports it before any heavy import.
"""

from __future__ import annotations


class JobFailedError(RuntimeError):
    """A job ran and failed: a diverged model (not saved), a search without a completed trial.

    Attributes:
        result: What the job got before it failed (a ``TrainResult``, a search
            report...), or ``None``.

    Example:
        >>> raise JobFailedError("run_search: no trial completed", result={"trials": []})
        Traceback (most recent call last):
        ...
        zoo.errors.JobFailedError: run_search: no trial completed
    """

    def __init__(self, message: str, *, result=None):
        super().__init__(message)
        self.result = result


__all__ = ["JobFailedError"]
