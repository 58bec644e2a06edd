"""The engine's random streams and samplers against their specifications."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from carepath import _core
from carepath.engine.compile import dist_spec
from carepath.model.distributions import DIST_MODELS

MASK = (1 << 64) - 1


def splitmix64_reference(state: int, n: int) -> list[int]:
    """SplitMix64 as published (Steele, Lea & Flood 2014; Vigna's splitmix64.c)."""
    out = []
    for _ in range(n):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        out.append(z ^ (z >> 31))
    return out


@pytest.mark.parametrize("state", [0, 1, 1234567, MASK])
def test_splitmix64_matches_the_published_algorithm(state):
    assert _core.splitmix64(state, 20) == splitmix64_reference(state, 20)


def test_stream_uniforms_are_uniform_and_streams_uncorrelated():
    p = _core.Purpose.DURATIONS
    u = _core.stream_uniforms(1, 0, p, 0, 0, 200_000)
    assert u.min() >= 0 and u.max() < 1
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    # neighbouring patients, replications and purposes: no correlation
    for other in (
        _core.stream_uniforms(1, 0, p, 0, 1, 200_000),
        _core.stream_uniforms(1, 1, p, 0, 0, 200_000),
        _core.stream_uniforms(1, 0, _core.Purpose.ROUTING, 0, 0, 200_000),
        _core.stream_uniforms(2, 0, p, 0, 0, 200_000),
    ):
        assert abs(np.corrcoef(u, other)[0, 1]) < 5 / np.sqrt(200_000)
    # first draws across many patients (how most patient streams are used)
    firsts = np.array([_core.stream_uniforms(7, 0, p, 0, k, 1)[0] for k in range(20_000)])
    assert stats.kstest(firsts, "uniform").pvalue > 1e-3


CASES = [
    ({"dist": "exponential", "mean": 2.0}, stats.expon(scale=2.0)),
    ({"dist": "uniform", "low": 1.0, "high": 3.0}, stats.uniform(1.0, 2.0)),
    (
        {"dist": "triangular", "low": 1.0, "mode": 2.0, "high": 5.0},
        stats.triang(0.25, loc=1.0, scale=4.0),
    ),
    ({"dist": "normal", "mean": 3.0, "sd": 0.5}, stats.norm(3.0, 0.5)),
    (
        {"dist": "lognormal", "mean": 2.0, "sd": 1.0},
        stats.lognorm(s=np.sqrt(np.log(1.25)), scale=2.0 / np.sqrt(1.25)),
    ),
    ({"dist": "gamma", "mean": 2.0, "sd": 1.0}, stats.gamma(4.0, scale=0.5)),
    ({"dist": "gamma", "mean": 1.0, "sd": 2.0}, stats.gamma(0.25, scale=4.0)),
    ({"dist": "weibull", "shape": 1.5, "scale": 2.0}, stats.weibull_min(1.5, scale=2.0)),
]


@pytest.mark.parametrize(
    ("params", "reference"), CASES, ids=[c[0]["dist"] + str(i) for i, c in enumerate(CASES)]
)
def test_continuous_samplers_match_scipy(params, reference):
    model = DIST_MODELS[params["dist"]].model_validate(params)
    x = _core.sample(dist_spec(model), 100_000, 3)
    assert stats.kstest(x, reference.cdf).pvalue > 1e-3
    sem = reference.std() / np.sqrt(x.size)
    assert abs(x.mean() - reference.mean()) < 5 * sem


def test_discrete_samplers():
    bern = DIST_MODELS["bernoulli"].model_validate({"dist": "bernoulli", "p": 0.3})
    x = _core.sample(dist_spec(bern), 100_000, 1)
    assert set(np.unique(x)) == {0.0, 1.0}
    assert abs(x.mean() - 0.3) < 5 * np.sqrt(0.21 / x.size)
    emp = DIST_MODELS["empirical"].model_validate(
        {"dist": "empirical", "values": [25, 50, 80], "weights": [5, 3, 2]}
    )
    y = _core.sample(dist_spec(emp), 100_000, 2)
    counts = np.array([(y == v).sum() for v in (25, 50, 80)])
    assert counts.sum() == y.size
    assert stats.chisquare(counts, y.size * np.array([0.5, 0.3, 0.2])).pvalue > 1e-3


def test_continuous_empirical_is_uniform_within_bins():
    emp = DIST_MODELS["empirical"].model_validate(
        {"dist": "empirical", "kind": "continuous", "values": [0, 1, 3], "weights": [1, 3]}
    )
    x = _core.sample(dist_spec(emp), 100_000, 4)
    cdf = lambda t: np.where(t < 1, 0.25 * t, 0.25 + 0.75 * (t - 1) / 2)  # noqa: E731
    assert x.min() >= 0 and x.max() <= 3
    assert stats.kstest(x, cdf).pvalue > 1e-3


def test_fixed_is_fixed():
    fixed = DIST_MODELS["fixed"].model_validate({"dist": "fixed", "value": 2.5})
    assert set(_core.sample(dist_spec(fixed), 100, 0)) == {2.5}
