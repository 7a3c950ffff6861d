"""tuning: keras-tuner searches over the zoo's models, on one machine or several.

Example:
    >>> from tuning import run_search
    >>> result = run_search("cnn", "digits", "hyperband", max_epochs=3,
    ...                     directory="/tmp/tune_demo", overwrite=True)
    >>> sorted(result.test_metrics)
    ['accuracy', 'loss']
"""

from tuning.hypermodels import (
    HyperCNN,
    HyperFNN,
    HyperLSTM,
    Param,
    ZooHyperModel,
    get_hypermodel,
    make_optimizer,
    make_schedule,
)
from tuning.search import SearchResult, hyperband_budget, run_search
from tuning.tuners import ALGORITHMS, make_tuner, oracle_seed

__all__ = [
    "ALGORITHMS",
    "HyperCNN",
    "HyperFNN",
    "HyperLSTM",
    "Param",
    "SearchResult",
    "ZooHyperModel",
    "get_hypermodel",
    "hyperband_budget",
    "make_optimizer",
    "make_schedule",
    "make_tuner",
    "oracle_seed",
    "run_search",
]
