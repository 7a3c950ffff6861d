"""The zoo's own search machinery on keras-tuner's oracles.

* :mod:`tuning.oracles.asha`: asynchronous successive halving (``algorithm="asha"``).
* :mod:`tuning.oracles.multiobjective`: several objectives, the Pareto front, the
  rank scores the oracles use and the selection rule of the final model.
* :mod:`tuning.oracles.derived`: objectives measured on the model (``params``,
  ``flops``, ``latency_ms``).

``asha`` and ``derived`` import keras-tuner and Keras; ``multiobjective``'s
functions on plain numbers import nothing heavy.
"""
