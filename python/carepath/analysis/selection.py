"""Choosing the best of several configurations: ranking and selection.

Noise alone can make a worse configuration look best in a sweep.  Two
procedures, both on the batch path with common random numbers (replication
r of every configuration sees the same patients):

- **KN++** (Kim and Nelson 2001, 2006): fully sequential, indifference
  zone.  After ``n0`` replications of each, it adds one replication a stage
  to every configuration still in contention and drops configuration i
  when its mean is worse than some other l's by more than
  ``W_il = max(0, delta / (2r) (h^2 S_il^2 / delta^2 - r))``, with
  ``S_il^2`` the variance of the paired differences (which common random
  numbers make small) updated every stage, ``h^2 = 2 eta (r - 1)`` and
  ``eta = ((2 beta)^(-2 / (r-1)) - 1) / 2``, ``beta = 1 - (1 - alpha)^(1/(k-1))``.
  Guarantee: the best is chosen with probability at least ``1 - alpha``
  whenever it is at least ``delta`` better than every other.
- **OCBA** (Chen, Lin, Yucesan and Chick 2000; Chen and Lee 2010): a fixed
  budget of replications, spent ``increment`` at a time where it most
  raises the approximate probability of correct selection.  No guarantee;
  the approximate probability is reported.

The stages of KN++ are simulated a few at a time (more as r grows), so a
stage does not pay for an engine call; the decisions are those of the
fully sequential procedure, and the replications simulated past a
configuration's elimination are reported apart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..engine.batch import compiled
from ..errors import ScenarioError, SimulationError
from ..model import Scenario, load

# sampler(candidates, first_replication, count) -> count x len(candidates) observations
Sampler = Callable[[list[int], int, int], np.ndarray]
PROCEDURES = ("kn++", "ocba")


@dataclass
class Selection:
    """What [`select_best`][carepath.analysis.selection.select_best] chose, and what it cost.

    Attributes
    ----------
    best
        The configuration chosen.
    procedure
        ``kn++`` or ``ocba``.
    table
        One row per configuration: ``candidate, replications`` (used by the
        procedure), ``mean`` (over them), ``stage`` (KN++: the stage it was
        eliminated at, or the last for the best), ``chosen``.
    replications
        Replications the procedure used, over all configurations.
    simulated
        Replications simulated (KN++ simulates a few stages ahead).
    guarantee
        What the choice promises, in words.
    apcs
        OCBA: the approximate probability of correct selection (a
        Bonferroni lower bound, normal approximation); None for KN++.
    """

    best: str
    procedure: str
    table: pd.DataFrame
    replications: int
    simulated: int
    guarantee: str
    apcs: float | None = None

    def __repr__(self) -> str:
        return (
            f"Selection(best={self.best!r}, procedure={self.procedure!r}, "
            f"replications={self.replications}, guarantee={self.guarantee!r})"
        )


def kn_plus_plus(
    sampler: Sampler,
    k: int,
    delta: float,
    alpha: float = 0.05,
    n0: int = 10,
    minimise: bool = True,
    max_stages: int = 100_000,
) -> dict[str, Any]:
    """KN++ on ``k`` configurations observed through ``sampler``.

    Returns
    -------
    dict
        ``best`` (index), ``used`` (replications per configuration),
        ``means``, ``stage`` (elimination stage per configuration),
        ``simulated``.
    """
    if k < 2:
        raise ScenarioError("candidates", "give at least two configurations to choose from")
    if not delta > 0:
        raise ScenarioError("delta", f"must be > 0, got {delta}")
    if not 0 < alpha < 1:
        raise ScenarioError("pcs", f"must be between 0 and 1, got {1 - alpha}")
    if n0 < 2:
        raise ScenarioError("n0", f"must be >= 2, got {n0}")
    sign = -1.0 if minimise else 1.0
    beta = 1 - (1 - alpha) ** (1 / (k - 1))
    alive = list(range(k))
    stage = np.full(k, -1)
    obs = np.empty((0, k))  # replication x configuration; columns of the eliminated stop growing
    simulated = 0
    r = n0

    def extend(to: int) -> None:
        nonlocal obs, simulated
        have = obs.shape[0]
        if to <= have:
            return
        count = max(to - have, 4, have // 8)  # a few stages ahead
        fresh = np.full((count, k), np.nan)
        fresh[:, alive] = sampler(alive, have, count)
        simulated += count * len(alive)
        obs = np.vstack([obs, fresh])

    extend(n0)
    # running sums over replications, per configuration and per pair (the
    # paired differences, so their variance needs no large cancelling sums)
    total = np.nansum(sign * obs[:n0], axis=0)
    d = sign * (obs[:n0, :, None] - obs[:n0, None, :])
    d1, d2 = d.sum(axis=0), (d * d).sum(axis=0)
    while len(alive) > 1:
        if r > max_stages:
            raise SimulationError(
                f"KN++ did not separate the configurations within {max_stages} replications: "
                "a larger delta, or configurations that differ"
            )
        idx = np.array(alive)
        means = total[idx] / r
        eta = 0.5 * ((2 * beta) ** (-2 / (r - 1)) - 1)
        h2 = 2 * eta * (r - 1)
        sub1, sub2 = d1[np.ix_(idx, idx)], d2[np.ix_(idx, idx)]
        s2 = np.maximum(sub2 - sub1 * sub1 / r, 0.0) / (r - 1)
        w = np.maximum(0.0, delta / (2 * r) * (h2 * s2 / delta**2 - r))
        beaten = (means[:, None] < means[None, :] - w).any(axis=1)
        stage[idx[beaten]] = r
        alive = [c for j, c in enumerate(alive) if not beaten[j]]
        if len(alive) <= 1:
            break
        extend(r + 1)
        idx = np.array(alive)
        row = sign * obs[r, idx]
        total[idx] += row
        diff = row[:, None] - row[None, :]
        d1[np.ix_(idx, idx)] += diff
        d2[np.ix_(idx, idx)] += diff * diff
        r += 1
    best = alive[0] if alive else int(np.argmax(sign * np.nanmean(obs[:r], axis=0)))
    stage[best] = r
    used = np.where(stage > 0, stage, r)
    means = np.array([np.mean(obs[: used[i], i]) for i in range(k)])
    return {"best": best, "used": used, "means": means, "stage": stage, "simulated": simulated}


def ocba(
    sampler: Sampler,
    k: int,
    budget: int,
    n0: int = 5,
    increment: int | None = None,
    minimise: bool = True,
) -> dict[str, Any]:
    """OCBA (Chen and Lee 2010, section 3.3) on ``k`` configurations: a
    budget of ``budget`` replications, ``n0`` each first, then ``increment``
    at a time by the asymptotically optimal ratios.

    Returns
    -------
    dict
        ``best``, ``used``, ``means``, ``apcs`` (approximate probability of
        correct selection, Bonferroni bound), ``simulated``.
    """
    if k < 2:
        raise ScenarioError("candidates", "give at least two configurations to choose from")
    if n0 < 2:
        raise ScenarioError("n0", f"must be >= 2, got {n0}")
    if budget < k * n0:
        raise ScenarioError("budget", f"must be at least candidates x n0 = {k * n0}, got {budget}")
    step = increment if increment is not None else max(k, budget // 20)
    data: list[list[float]] = [[] for _ in range(k)]
    for i, column in enumerate(sampler(list(range(k)), 0, n0).T):
        data[i].extend(column)
    sign = 1.0 if minimise else -1.0
    while True:
        n = np.array([len(d) for d in data])
        total = int(n.sum())
        if total >= budget:
            break
        means = np.array([sign * np.mean(d) for d in data])
        sds = np.array([np.std(d, ddof=1) for d in data])
        sds = np.maximum(sds, 1e-12 * max(1.0, float(np.abs(means).max())))
        target = _ocba_allocation(means, sds, min(total + step, budget))
        add = np.maximum(target - n, 0)
        # rounding: what the ratios leave of this step goes to the best
        spare = min(total + step, budget) - total - int(add.sum())
        add[int(np.argmin(means))] += max(spare, 0)
        while add.sum() > budget - total:
            add[int(np.argmax(add))] -= 1
        for i in map(int, np.flatnonzero(add)):
            data[i].extend(sampler([i], len(data[i]), int(add[i]))[:, 0])
    means = np.array([np.mean(d) for d in data])
    signed = sign * means
    best = int(np.argmin(signed))
    sds = np.array([np.std(d, ddof=1) for d in data])
    used = np.array([len(d) for d in data])
    from scipy import stats

    gaps = signed - signed[best]
    se = np.sqrt(sds**2 / used + sds[best] ** 2 / used[best])
    others = np.arange(k) != best
    with np.errstate(divide="ignore", invalid="ignore"):
        miss = stats.norm.sf(np.where(se > 0, gaps / se, np.inf))[others]
    apcs = float(max(0.0, 1 - miss.sum()))
    return {"best": best, "used": used, "means": means, "apcs": apcs, "simulated": int(used.sum())}


def _ocba_allocation(means: np.ndarray, sds: np.ndarray, total: int) -> np.ndarray:
    """Replications for each configuration (smaller mean is better) by the
    OCBA ratios N_i / N_j = (s_i / d_i)^2 / (s_j / d_j)^2 and
    N_b = s_b sqrt(sum_{i != b} N_i^2 / s_i^2), scaled to ``total``."""
    b = int(np.argmin(means))
    gaps = means - means[b]
    others = np.arange(len(means)) != b
    positive = gaps[others][gaps[others] > 0]
    floor = positive.min() * 1e-3 if positive.size else 1.0
    gaps = np.where(others, np.maximum(gaps, floor), 0.0)  # ties: a tiny gap, a large share
    ratio = np.zeros(len(means))
    ratio[others] = (sds[others] / gaps[others]) ** 2
    ratio[b] = sds[b] * math.sqrt(float(np.sum(ratio[others] ** 2 / sds[others] ** 2)))
    return np.floor(total * ratio / ratio.sum()).astype(int)


def _candidates(
    sc: Scenario, candidates: Sequence[str] | Mapping[str, Mapping[str, Any]] | None
) -> tuple[list[str], list[str], list[list[Any]], list[str]]:
    """Labels, and how to run them: (paths, points, variants)."""
    if candidates is None:
        candidates = sc.variant_names
    if isinstance(candidates, Mapping):
        labels = [str(k) for k in candidates]
        paths = list(dict.fromkeys(p for ch in candidates.values() for p in ch))
        points = []
        for label, changes in candidates.items():
            missing = [p for p in paths if p not in changes]
            if missing:
                raise ScenarioError(
                    f"candidates.{label}", f"give every swept parameter; missing {missing[0]}"
                )
            points.append([changes[p] for p in paths])
        return labels, paths, points, ["baseline"]
    labels = [str(v) for v in candidates]
    for v in labels:
        if v not in sc.variant_names:
            raise ScenarioError(
                "candidates", f"no variant '{v}' (have: {', '.join(sc.variant_names)})"
            )
    return labels, [], [[]], labels


def select_best(
    scenario: Scenario | str | Mapping[str, Any],
    candidates: Sequence[str] | Mapping[str, Mapping[str, Any]] | None = None,
    metric: str = "",
    minimise: bool = True,
    delta: float | None = None,
    pcs: float = 0.95,
    procedure: str = "kn++",
    n0: int | None = None,
    budget: int | None = None,
    increment: int | None = None,
    seed: int | None = None,
    threads: int = 0,
) -> Selection:
    """Choose the configuration with the best mean of ``metric``.

    Parameters
    ----------
    scenario
        A scenario, a built-in id or a YAML path.
    candidates
        Variant names (default: every variant), or a mapping label ->
        changes (dotted path -> value, as ``cp.run(changes=...)``), such as
        the points of a sweep.
    metric
        A metric of the run (``wait.see_gp.mean``, a derived metric...).
    minimise
        Smaller is better (waits, costs); False for larger (QALYs).
    delta
        KN++'s indifference zone: the smallest difference worth detecting,
        in the metric's units.
    pcs
        KN++'s promised probability of correct selection, ``1 - alpha``.
    procedure
        ``kn++`` (a guarantee, replications as needed) or ``ocba`` (a fixed
        ``budget`` of replications).
    n0
        First-stage replications of each (KN++ default 10, OCBA 5).
    budget, increment
        OCBA's total replications and how many it allocates a round
        (default a twentieth of the budget).
    seed, threads
        As for [`carepath.run`][carepath.engine.run.run].

    Returns
    -------
    Selection
    """
    if procedure not in PROCEDURES:
        raise ScenarioError(
            "procedure", f"must be one of {', '.join(PROCEDURES)}, got {procedure!r}"
        )
    sc = load(scenario)
    labels, paths, points, variants = _candidates(sc, candidates)
    plan = compiled(sc)
    root_seed = sc.seed if seed is None else int(seed)
    by_point = bool(paths)
    if by_point:
        plan.check(paths, points, variants)
    column: list[int] = []

    def sampler(which: list[int], first: int, count: int) -> np.ndarray:
        chosen_points = [points[i] for i in which] if by_point else points
        chosen_variants = variants if by_point else [variants[i] for i in which]
        try:
            block = plan.run(
                paths,
                chosen_points,
                chosen_variants,
                count,
                root_seed,
                threads,
                first_replication=first,
                checked=by_point,
            )
        except RuntimeError as err:
            raise SimulationError(str(err)) from None
        if not column:
            if metric not in block.columns:
                raise ScenarioError("metric", f"unknown metric '{metric}'")
            column.append(block.columns.index(metric))
        values = block.values[:, column[0]].reshape(len(which), count)
        return values.T

    k = len(labels)
    if procedure == "kn++":
        if delta is None:
            raise ScenarioError("delta", "KN++ needs an indifference zone delta > 0")
        out = kn_plus_plus(sampler, k, float(delta), 1 - pcs, n0 or 10, minimise)
        guarantee = (
            f"P(correct selection) >= {pcs:g} when the best is at least {delta:g} better "
            "than every other (KN++, indifference zone)"
        )
        stage = out["stage"]
    else:
        if budget is None:
            raise ScenarioError("budget", "OCBA needs a budget of replications")
        out = ocba(sampler, k, int(budget), n0 or 5, increment, minimise)
        guarantee = (
            f"no guarantee (OCBA, budget {budget}); approximate P(correct selection) "
            f"{out['apcs']:.3f}"
        )
        stage = np.full(k, -1)
    table = pd.DataFrame(
        {
            "candidate": labels,
            "replications": out["used"],
            "mean": out["means"],
            "stage": stage,
            "chosen": [i == out["best"] for i in range(k)],
        }
    )
    return Selection(
        best=labels[out["best"]],
        procedure=procedure,
        table=table,
        replications=int(np.sum(out["used"])),
        simulated=int(out["simulated"]),
        guarantee=guarantee,
        apcs=out.get("apcs"),
    )
