"""Same seed, same numbers, on any thread count; variants share random numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import carepath as cp
from conftest import mmc


def test_bit_identical_across_thread_counts():
    sc = cp.load("mm5").with_changes({"horizon": 2000, "warmup": 200})
    runs = [cp.run(sc, replications=12, seed=5, threads=t).per_replication for t in (1, 2, 4)]
    for other in runs[1:]:
        pd.testing.assert_frame_equal(runs[0], other, check_exact=True)


@pytest.mark.parametrize("scenario_id", cp.builtin_ids())
def test_every_builtin_is_bit_identical_on_one_and_two_threads(scenario_id):
    """Every step kind, hazard, race and follow-up of the library, on 1 and 2 threads."""
    one, two = (
        cp.run(scenario_id, replications=3, seed=11, threads=t).per_replication for t in (1, 2)
    )
    pd.testing.assert_frame_equal(one, two, check_exact=True)


def test_same_seed_same_numbers_and_other_seed_other_numbers():
    sc = mmc(2, 1.5, horizon=500, warmup=50)
    a = cp.run(sc, replications=3, seed=9).per_replication
    b = cp.run(sc, replications=3, seed=9).per_replication
    c = cp.run(sc, replications=3, seed=10).per_replication
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert not np.array_equal(a["wait.serve.mean"], c["wait.serve.mean"])


def test_replications_are_independent_of_how_many_are_run():
    sc = mmc(2, 1.5, horizon=500, warmup=50)
    few = cp.run(sc, replications=3, seed=4).per_replication
    many = cp.run(sc, replications=8, seed=4).per_replication.head(3)
    pd.testing.assert_frame_equal(few, many, check_exact=True)


def test_common_random_numbers_shrink_the_paired_variance():
    # a 5% faster clinician: both variants see the same arrivals and the same
    # service draws, so their paired difference is far less noisy than the
    # difference of two independent runs (different seeds)
    sc = cp.load("mm5").with_changes(
        {
            "horizon": 3000,
            "warmup": 300,
            "variants": {"faster": {"pathway.see_clinician.service.mean": 0.95}},
        }
    )
    paired = cp.run(sc, replications=40, seed=3).compare("baseline", "faster").set_index("metric")
    base = cp.run(sc, replications=40, seed=3, variants=["baseline"]).per_replication
    other = cp.run(sc, replications=40, seed=4, variants=["faster"]).per_replication
    for metric, factor in (("wait.see_clinician.mean", 2), ("utilisation.clinician", 20)):
        independent_var = np.var(other[metric].to_numpy() - base[metric].to_numpy(), ddof=1)
        paired_var = paired.loc[metric, "sd"] ** 2
        assert paired_var < independent_var / factor, (metric, paired_var, independent_var)
    # the variants saw exactly the same arrivals
    assert paired.loc["arrivals", "diff"] == 0 and paired.loc["arrivals", "sd"] == 0
