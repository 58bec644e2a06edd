"""Cost-effectiveness: incremental costs and QALYs, ICER, net monetary benefit,
and probabilistic sensitivity analysis (PSA) with its acceptability curve.

The engine reports discounted ``cost.per_patient`` and ``qaly.per_patient``
per replication (see docs/economics.md); everything here is computed from
those, paired replication by replication, since the variants of a run share
their random numbers.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..deferred import DefinedAbove
from ..results.intervals import t_interval
from ..results.results import Results
from ..results.target_table import ratio_of_means

if TYPE_CHECKING:
    from ..model import Scenario

COST, QALY = "cost.per_patient", "qaly.per_patient"


def _paired(res: Results, metric: str, baseline: str, intervention: str) -> np.ndarray:
    if metric not in res.metrics:
        raise KeyError(
            f"no '{metric}' in these results: give the scenario cost or utility steps, "
            "or resources and books with a cost (docs/economics.md)"
        )
    a = res.values(baseline)[metric].to_numpy(float)
    b = res.values(intervention)[metric].to_numpy(float)
    return b - a


@Results.register("economics")
def economics_table(
    res: Results,
    baseline: str = "baseline",
    intervention: str | None = None,
    wtp: Sequence[float] = (20000.0, 30000.0),
    level: float = 0.95,
) -> pd.DataFrame:
    """Incremental cost, incremental QALYs, ICER and net monetary benefit per patient.

    Parameters
    ----------
    res
        A run with costs and QALYs.
    baseline, intervention
        Variant names; ``intervention`` defaults to the first variant that is
        not ``baseline``.
    wtp
        Willingness-to-pay thresholds (per QALY) for the net monetary benefit.
    level
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Rows ``incremental cost``, ``incremental QALYs``, ``ICER`` and
        ``NMB at <wtp>``; columns ``estimate, ci_low, ci_high, n``.  The ICER's
        interval is a delta-method one, left empty (NaN) when the interval of
        the incremental QALYs contains zero (the ratio is then unbounded).
    """
    if intervention is None:
        others = [v for v in res.variants if v != baseline]
        if not others:
            raise ValueError("the run has no variant besides the baseline to compare")
        intervention = others[0]
    d_cost = _paired(res, COST, baseline, intervention)
    d_qaly = _paired(res, QALY, baseline, intervention)
    rows = []
    for label, diff in (("incremental cost", d_cost), ("incremental QALYs", d_qaly)):
        mean, _, lo, hi, n = t_interval(diff, level)
        rows.append((label, mean, lo, hi, n))
    icer, lo, hi, n = ratio_of_means(d_cost, d_qaly, level)
    if not rows[1][2] > 0 and not rows[1][3] < 0:  # QALY interval contains 0
        lo = hi = np.nan
    rows.append(("ICER", icer, lo, hi, n))
    for threshold in wtp:
        mean, _, lo, hi, n = t_interval(threshold * d_qaly - d_cost, level)
        rows.append((f"NMB at {threshold:g}", mean, lo, hi, n))
    return pd.DataFrame(rows, columns=["measure", "estimate", "ci_low", "ci_high", "n"])


@dataclass
class PSAResults:
    """One row per outer iteration of a probabilistic sensitivity analysis.

    Attributes
    ----------
    draws
        Columns ``iteration``, each sampled parameter (by its dotted path),
        ``cost_<variant>`` and ``qaly_<variant>`` (per patient, the mean over
        the inner replications), and ``delta_cost``, ``delta_qaly``
        (intervention minus baseline).
    baseline, intervention
        The variants compared.
    """

    draws: pd.DataFrame
    baseline: str
    intervention: str
    # defined by the output modules (see carepath.deferred)
    plot = DefinedAbove("carepath.outputs.plots")
    _repr_html_ = DefinedAbove("carepath.outputs.notebook")

    def ceac(self, wtp: Sequence[float] | np.ndarray | None = None) -> pd.DataFrame:
        """The cost-effectiveness acceptability curve: for each willingness to
        pay, the share of iterations in which the intervention's net monetary
        benefit beats the baseline's."""
        grid = np.linspace(0, 50000, 51) if wtp is None else np.asarray(wtp, float)
        dq = self.draws["delta_qaly"].to_numpy()
        dc = self.draws["delta_cost"].to_numpy()
        share = [(w * dq - dc > 0).mean() for w in grid]
        return pd.DataFrame({"wtp": grid, "probability_cost_effective": share})

    def to_parquet(self, path: str | os.PathLike[str]) -> None:
        """Write the draws to Parquet atomically."""
        from ..io import atomic_path

        with atomic_path(path) as tmp:
            self.draws.to_parquet(tmp, index=False)


def _parameter_seed(seed: int, j: int) -> int:
    return int(np.random.SeedSequence([seed, j, 0x505341]).generate_state(1, np.uint64)[0])


def psa(
    scenario: Scenario | str | os.PathLike[str] | dict[str, Any],
    iterations: int = 200,
    replications: int = 5,
    seed: int | None = None,
    baseline: str = "baseline",
    intervention: str | None = None,
    threads: int = 0,
) -> PSAResults:
    """Probabilistic sensitivity analysis over the scenario's ``psa:`` parameters.

    Each outer iteration draws one value of every parameter (a dotted path
    with a distribution, declared under ``psa:``), applies them to the
    baseline (so every variant inherits them), and runs ``baseline`` and
    ``intervention`` with ``replications`` inner replications on common
    random numbers.  The draws come from one stream per parameter, so
    iteration k draws the same values however many iterations are run.

    Returns
    -------
    PSAResults
        Per-iteration costs and QALYs; ``ceac()`` for the acceptability curve.
    """
    from .. import _core
    from ..engine.batch import compiled
    from ..engine.compile import dist_spec
    from ..model import load

    sc = load(scenario)
    if not sc.psa:
        raise ValueError(f"scenario '{sc.name}' declares no psa: parameters to sample")
    if intervention is None:
        others = [v for v in sc.variant_names if v != baseline]
        if not others:
            raise ValueError("the scenario has no variant besides the baseline to compare")
        intervention = others[0]
    seed = sc.seed if seed is None else seed
    paths = list(sc.psa)
    samples = [
        _core.sample(dist_spec(d), iterations, _parameter_seed(seed, j))
        for j, d in enumerate(sc.psa.values())
    ]
    rows = [[float(draws[k]) for draws in samples] for k in range(iterations)]
    pair = [baseline, intervention]
    plan = compiled(sc)
    plan.check(paths, rows, pair)  # every draw is a valid scenario before anything runs
    block = plan.run(paths, rows, pair, replications, seed, threads, checked=True)
    draws = pd.DataFrame({"iteration": np.arange(iterations)})
    for path, values in zip(paths, samples):
        draws[path] = values
    for metric in (COST, QALY):
        if metric not in block.columns:
            raise KeyError(f"no '{metric}' in the run: the scenario has no costs or utilities")
    for v, name in enumerate(pair):
        for metric, prefix in ((COST, "cost"), (QALY, "qaly")):
            # rows: iteration, then variant, then replication
            runs = block.values[:, block.columns.index(metric)].reshape(iterations, 2, -1)
            draws[f"{prefix}_{name}"] = np.nanmean(runs[:, v, :], axis=1)
    draws["delta_cost"] = draws[f"cost_{intervention}"] - draws[f"cost_{baseline}"]
    draws["delta_qaly"] = draws[f"qaly_{intervention}"] - draws[f"qaly_{baseline}"]
    return PSAResults(draws, baseline, intervention)
