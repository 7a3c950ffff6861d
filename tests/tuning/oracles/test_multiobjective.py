"""The Pareto front, the rank scores and the selection rule, on hand-made trial scores."""

import csv

import pytest

from tuning.oracles.multiobjective import choose, dominates, pareto_front, rank_scores
from tuning.report import plot_pareto, write_pareto_csv

MAX_MIN = ("max", "min")


def _brute_front(points, directions):
    """The definition, written out: i is on the front if no j is >= everywhere and > once."""
    sign = [1 if d == "max" else -1 for d in directions]
    front = []
    for i, p in enumerate(points):
        beaten = any(all(s * q[k] >= s * p[k] for k, s in enumerate(sign))
                     and any(s * q[k] > s * p[k] for k, s in enumerate(sign))
                     for j, q in enumerate(points) if j != i)
        if not beaten:
            front.append(i)
    return front


def test_dominance_needs_no_worse_everywhere_and_better_once():
    assert dominates((0.9, 10), (0.8, 10), MAX_MIN)
    assert dominates((0.9, 5), (0.9, 10), MAX_MIN)
    assert not dominates((0.9, 10), (0.9, 10), MAX_MIN)  # equal: neither dominates
    assert not dominates((0.9, 20), (0.8, 10), MAX_MIN)  # a trade-off
    assert dominates((1.0, 2.0), (1.0, 3.0), ("min", "min"))


def test_front_holds_exactly_the_non_dominated_points_with_ties_and_duplicates():
    points = [
        (0.95, 9000),  # 0 front: the most accurate
        (0.95, 9000),  # 1 front: a duplicate of 0 (equal points do not dominate)
        (0.95, 12000),  # 2 dominated by 0: same accuracy, larger
        (0.90, 3000),  # 3 front
        (0.90, 3000.0),  # 4 front: a duplicate of 3
        (0.88, 3000),  # 5 dominated by 3: same size, less accurate
        (0.80, 500),  # 6 front: the smallest
        (0.70, 500),  # 7 dominated by 6
        (0.93, 8000),  # 8 front: a trade-off between 0 and 3
        None,  # 9 a failed trial: never on the front
        (float("nan"), 1),  # 10 a diverged trial
    ]
    assert pareto_front(points, MAX_MIN) == [0, 1, 3, 4, 6, 8]
    assert pareto_front(points[:9], MAX_MIN) == _brute_front(points[:9], MAX_MIN)


def test_front_matches_the_definition_on_random_points_with_many_ties():
    import random

    rng = random.Random(0)
    for _ in range(50):
        n = rng.randint(1, 12)
        points = [(rng.choice([0.8, 0.9, 1.0]), rng.choice([1, 2, 3]), rng.randint(0, 2))
                  for _ in range(n)]
        directions = ("max", "min", "min")
        assert pareto_front(points, directions) == _brute_front(points, directions)


def test_rank_scores_average_normalised_ranks_with_shared_ties():
    points = [(0.9, 100), (0.8, 50), (0.7, 50), (0.9, 10)]
    # val_accuracy ranks (max): 0.9 tie -> 0.5 each, 0.8 -> 2, 0.7 -> 3; params (min):
    # 10 -> 0, 50 tie -> 1.5, 100 -> 3; normalised by 3 and averaged.
    expected = [(0.5 + 3) / 6, (2 + 1.5) / 6, (3 + 1.5) / 6, (0.5 + 0) / 6]
    assert rank_scores(points, MAX_MIN) == pytest.approx(expected)
    assert rank_scores([(1.0, 2.0)], MAX_MIN) == [0.0]
    assert rank_scores([], MAX_MIN) == []


def test_choice_is_the_smallest_model_within_tolerance_of_the_best_primary():
    points = [(0.950, 9000), (0.945, 4000), (0.941, 1000), (0.90, 100), (0.945, 4000)]
    assert choose(points, MAX_MIN, 0.01) == 2  # 0.941 is within 0.01 of 0.950
    assert choose(points, MAX_MIN, 0.005) == 1  # 0.941 is not; the tie 1/4 -> lower index
    assert choose(points, MAX_MIN, 0.0) == 0
    assert choose(points, MAX_MIN, 1.0) == 3
    # A dominated point is never chosen, even inside the tolerance.
    assert choose([(0.95, 100), (0.949, 200)], MAX_MIN, 0.01) == 0
    # Minimised primary (val_loss), then the second objective, then the primary breaks ties.
    assert choose([(0.30, 5), (0.31, 5), (0.20, 9)], ("min", "min"), 0.2) == 0
    assert choose([None, (float("inf"), 1)], MAX_MIN, 0.1) is None


def _pareto(points):
    rows = [{"trial_id": f"{i:02d}", "val_accuracy": a, "params": p}
            for i, (a, p) in enumerate(points)]
    front = set(pareto_front(points, MAX_MIN))
    for i, row in enumerate(rows):
        row["pareto"] = i in front
    chosen = rows[choose(points, MAX_MIN, 0.01)]["trial_id"]
    return {"objectives": [["val_accuracy", "max"], ["params", "min"]], "tolerance": 0.01,
            "chosen": chosen, "trials": rows}


def test_pareto_csv_holds_exactly_the_front_and_marks_the_choice(tmp_path):
    points = [(0.95, 9000), (0.95, 9000), (0.95, 12000), (0.90, 3000), (0.88, 3000),
              (0.945, 500), (0.70, 500)]
    pareto = _pareto(points)
    write_pareto_csv(pareto, tmp_path / "pareto.csv")
    with open(tmp_path / "pareto.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["trial_id"] for r in rows] == ["00", "01", "05"]
    assert [r["chosen"] for r in rows] == ["0", "0", "1"]
    assert [float(r["params"]) for r in rows] == [9000, 9000, 500]


def test_pareto_png_is_written(tmp_path):
    pareto = _pareto([(0.95, 9000), (0.90, 3000), (0.80, 500), (0.7, 9000)])
    plot_pareto(pareto, tmp_path / "pareto.png")
    data = (tmp_path / "pareto.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_bayesian_optimisation_fits_its_model_to_the_rank_scores(tmp_path):
    import keras

    from tuning import make_tuner

    def build(hp):
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(hp.Int("units", 1, 64))])
        model.compile("adam", "mse")
        return model

    oracle = make_tuner("bayesian", build, objectives=["val_accuracy:max", "params:min"],
                        max_trials=6, num_initial_points=2, directory=tmp_path, seed=0).oracle
    points = [(0.90, 300.0), (0.95, 900.0), (0.80, 900.0)]
    for acc, params in points:
        trial = oracle.create_trial("w0")
        oracle.update_trial(trial.trial_id, {"val_accuracy": acc, "params": params})
        trial.status = "COMPLETED"
        oracle.end_trial(trial)
    scores = [oracle.trials[t].score for t in sorted(oracle.trials)]
    assert scores == pytest.approx(rank_scores(points, MAX_MIN))
    assert oracle.get_best_trials(1)[0].trial_id == sorted(oracle.trials)[0]  # (0.9, 300)
    proposed = oracle.create_trial("w0")  # past the initial points: the Gaussian process
    assert str(proposed.status) == "RUNNING" and 1 <= proposed.hyperparameters["units"] <= 64
