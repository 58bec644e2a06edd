"""How many replications: the replications algorithm of Hoad, Robinson and
Davies (2010), and runs that stop at a precision.

Hoad K, Robinson S, Davies R. Automated selection of the number of
replications for a discrete-event simulation. J Oper Res Soc
2010;61(11):1632-44.

After ``initial`` replications, the confidence interval's half-width
relative to the mean (the *deviation*) is checked after each replication.
The first time it is within the target a candidate count is noted; the
count stands once the target has held for ``klimit`` more replications
(``look_ahead``, or ``look_ahead`` percent of them past 100), so that an
interval narrow by chance does not stop the run early.  A final correction
takes the first count from which the target held through ``look_ahead``
replications, if smaller.  The rules, including which comparisons are
strict, follow sim-tools' ``ReplicationsAlgorithm`` (Monks), so that both
give the same count on the same sequence (``tests/test_output_analysis.py``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ScenarioError


@dataclass(frozen=True)
class Needed:
    """The outcome of the algorithm on one sequence of values.

    Attributes
    ----------
    replications
        The replications needed, or None if the target was not held within
        the values given.
    solved
        Whether the look-ahead confirmed it (so more values cannot change it).
    used
        How many of the values the algorithm looked at before stopping.
    deviations
        The deviation after each of the ``used`` values (NaN before three).
    """

    replications: int | None
    solved: bool
    used: int
    deviations: list[float]


def klimit(look_ahead: int, n: int) -> int:
    """Replications over which a met target must hold, at ``n`` replications."""
    return int(look_ahead / 100 * max(n, 100))


def _deviation(values: np.ndarray, n: int, level: float, relative: bool) -> float:
    """The half-width of the t interval on values[:n], relative to |mean| or absolute."""
    if n <= 2:
        return math.nan
    from scipy import stats

    x = values[:n]
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * float(x.std(ddof=1)) / math.sqrt(n)
    if not relative:
        return half
    mean = abs(float(x.mean()))
    return half / mean if mean > 0 else math.inf


def replications_needed(
    values: Sequence[float] | np.ndarray,
    target: float,
    level: float = 0.95,
    initial: int = 3,
    look_ahead: int = 5,
    relative: bool = True,
) -> Needed:
    """Run the replications algorithm over a sequence of per-replication values.

    Parameters
    ----------
    values
        One value a replication, in replication order.
    target
        The largest acceptable deviation: half-width / |mean| when
        ``relative``, else the half-width itself.
    level
        Confidence level of the intervals.
    initial
        Replications before the first check.
    look_ahead
        ``kLimit`` of the algorithm.
    relative
        Whether ``target`` is relative to the mean.

    Returns
    -------
    Needed
        The count, whether it is confirmed, and the deviations seen.
    """
    x = np.asarray(values, dtype=float)
    devs: list[float] = []
    n = min(initial, len(x))
    for i in range(1, n + 1):
        devs.append(_deviation(x, i, level, relative))
    nreps: int | None = None
    met = 0
    solved = False
    if n == initial and devs and devs[-1] <= target:
        nreps, met = n, 1
        solved = klimit(look_ahead, n) == 0
    while not solved and n < len(x):
        n += 1
        dev = _deviation(x, n, level, relative)
        devs.append(dev)
        if dev <= target:
            if met == 0:
                nreps = n
            met += 1
            solved = met > klimit(look_ahead, n)
        else:
            met, nreps = 0, None
    # the correction: the first count from which the target held through look_ahead more
    for i in range(len(devs) - look_ahead):
        if all(d < target for d in devs[i : i + look_ahead + 1]):
            if nreps is not None and i + 1 < nreps:
                nreps = i + 1
            break
    return Needed(nreps if solved else None, solved, n, devs)


@dataclass
class PrecisionRun:
    """Replications run until every named metric met its precision."""

    table: np.ndarray  # the first ``replications`` rows of each variant, variant-major
    columns: list[str]
    replications: int
    report: pd.DataFrame


def run_to_precision(
    plan,
    paths: list[str],
    values: list,
    runs: list[str],
    seed: int,
    threads: int,
    metrics: Sequence[str],
    target: float,
    relative: bool,
    max_replications: int = 1000,
    level: float = 0.95,
    initial: int = 3,
    look_ahead: int = 5,
) -> PrecisionRun:
    """Run replications in growing batches until, in every variant, every
    metric in ``metrics`` needs no more (see `replications_needed`).

    The replications are the run's own sequence (replication k is the same
    whatever the batches), so the result equals a run of the returned
    number of replications, bit for bit, and variants share random numbers.
    """
    if not 0 < target < math.inf:
        what = "precision" if relative else "half_width"
        raise ScenarioError(what, f"must be > 0, got {target}")
    if max_replications < initial:
        raise ScenarioError("max_replications", f"must be >= {initial}, got {max_replications}")
    parts: list[np.ndarray] = []
    columns: list[str] = []
    n_run = 0
    batch = max(initial, look_ahead + 1)
    while True:
        block = plan.run(paths, [values], runs, batch, seed, threads, first_replication=n_run)
        columns = block.columns
        parts.append(block.values.reshape(len(runs), batch, len(columns)))
        n_run += batch
        table = np.concatenate(parts, axis=1)  # variant x replication x metric
        unknown = [m for m in metrics if m not in columns]
        if unknown:
            raise ScenarioError("metrics", f"unknown metric '{unknown[0]}'")
        outcomes = {
            (v, m): replications_needed(
                table[i, :, columns.index(m)], target, level, initial, look_ahead, relative
            )
            for i, v in enumerate(runs)
            for m in metrics
        }
        if all(o.solved for o in outcomes.values()):
            break
        limit = max_replications + klimit(look_ahead, max_replications)
        if n_run >= limit:
            break
        batch = max(1, min(max(batch, n_run // 4), limit - n_run))
    unsolved = [f"{m} ({v})" for (v, m), o in outcomes.items() if not o.solved]
    if unsolved:
        warnings.warn(
            f"precision not reached within {max_replications} replications for: "
            + ", ".join(unsolved),
            stacklevel=3,
        )
    needed = [o.replications for o in outcomes.values() if o.replications is not None]
    n = max(needed) if needed and not unsolved else n_run
    rows = []
    for (v, m), o in outcomes.items():
        x = table[runs.index(v), :n, columns.index(m)]
        dev = _deviation(x, n, level, relative)
        rows.append((v, m, o.replications, float(x.mean()), dev, o.solved))
    report = pd.DataFrame(
        rows, columns=["variant", "metric", "needed", "mean", "deviation", "solved"]
    )
    report.attrs.update(target=target, relative=relative, run=n_run, level=level)
    return PrecisionRun(table[:, :n, :].reshape(-1, len(columns)), columns, n, report)
