"""Bed planning: occupancy distributions and the probability of delay.

With ``results.distributions`` the engine records, per replication, the
share of the observation window that each resource spends at each number
of busy servers (``busy.<r>.share_<k>``) and each ``results.occupancy``
step at each number of patients (``occupancy.<step>.share_<k>``), and with
``audit`` the share of audits that saw each level (``.audit_<k>``).

Run with unconstrained beds, the occupancy distribution ``p`` gives the
probability that a patient arriving to ``c`` beds finds them all full
(Monks et al. 2016, BMC Health Serv Res 16:530):

    P(delay | c) = p(c) / sum_{k <= c} p(k)

that is, ``p`` truncated to ``0..c``, read at ``c``.  For Poisson arrivals
and an infinite-server system this is Erlang's loss formula at ``c``
whatever the length-of-stay distribution (insensitivity), which is what
makes the method work; ``tests/test_bed_planning.py`` checks it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..results.intervals import t_interval
from ..results.p_delay import p_delay_matrix
from ..results.results import Results

if TYPE_CHECKING:
    pass

KINDS = ("share", "audit")


def _levels(res: Results, name: str, kind: str) -> tuple[str, list[str]]:
    """The prefix ``name`` stands for and its level columns, in level order."""
    if kind not in KINDS:
        raise ValueError(f"kind must be 'share' or 'audit', got {kind!r}")
    pattern = re.compile(rf"^(busy|occupancy)\.(.+)\.{kind}_(\d+)$")
    found: dict[str, list[str]] = {}
    for metric in res.metric_names:
        m = pattern.match(metric)
        if m:
            found.setdefault(f"{m[1]}.{m[2]}", []).append(metric)
    candidates = [p for p in found if p == name or p.split(".", 1)[1] == name]
    if len(candidates) == 1:
        return candidates[0], found[candidates[0]]
    if len(candidates) > 1:
        raise KeyError(f"'{name}' is both a resource and a step; say {' or '.join(candidates)}")
    if not found:
        what = "audits (results.distributions.audit)" if kind == "audit" else "distributions"
        raise KeyError(f"these results have no occupancy {what}; set results.distributions")
    have = ", ".join(p.split(".", 1)[1] for p in found)
    raise KeyError(f"no occupancy distribution for '{name}' (have: {have})")


def occupancy_distribution(
    self: Results, name: str, audit: bool = False, level: float = 0.95
) -> pd.DataFrame:
    """The occupancy distribution of a resource (busy servers) or an
    occupancy step (patients), per variant.

    Parameters
    ----------
    name
        A resource or a ``results.occupancy`` step (``busy.<r>`` or
        ``occupancy.<step>`` if a resource and a step share the name).
    audit
        From the audits (``results.distributions.audit``) instead of the
        time-weighted shares.
    level
        Confidence level of the intervals over replications.

    Returns
    -------
    pandas.DataFrame
        ``variant, level, share, ci_low, ci_high, cdf, n``: the mean share
        of the window (or of audits) at each level, its t interval, and the
        cumulative share up to the level.  The last level pools every level
        above it.
    """
    _, columns = _levels(self, name, "audit" if audit else "share")
    rows = []
    for variant in self.variants:
        shares = self.values(variant)[columns].to_numpy(float)
        cdf = np.cumsum(np.nanmean(shares, axis=0))
        for k in range(shares.shape[1]):
            mean, _, lo, hi, n = t_interval(shares[:, k], level)
            rows.append((variant, k, mean, lo, hi, float(cdf[k]), n))
    return pd.DataFrame(
        rows, columns=["variant", "level", "share", "ci_low", "ci_high", "cdf", "n"]
    )


def p_delay(
    self: Results,
    name: str,
    beds: Iterable[int],
    audit: bool = False,
    level: float = 0.95,
) -> pd.DataFrame:
    """The probability that an arriving patient finds every bed full, for
    each bed count, from a run with unconstrained beds.

    ``P(delay | c) = p(c) / sum_{k <= c} p(k)`` is computed replication by
    replication from the occupancy distribution ``p`` (see
    [`occupancy_distribution`][carepath.analysis.bed_planning.occupancy_distribution]),
    then averaged with a t interval.

    Parameters
    ----------
    name
        A resource or a ``results.occupancy`` step.
    beds
        Bed counts, each below ``results.distributions.max_level``.
    audit
        From the audits instead of the time-weighted shares.
    level
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        ``variant, beds, p_delay, ci_low, ci_high, one_in_n, n``, where
        ``one_in_n`` is ``1 / p_delay``: "1 in n patients delayed".

    Raises
    ------
    ValueError
        If a bed count is negative or not below the top level recorded.
    """
    _, columns = _levels(self, name, "audit" if audit else "share")
    beds = [int(c) for c in beds]
    top = len(columns) - 1
    for c in beds:
        if not 0 <= c < top:
            raise ValueError(
                f"beds must be between 0 and {top - 1} (results.distributions.max_level is "
                f"{top}, whose share pools every level above it), got {c}"
            )
    rows = []
    for variant in self.variants:
        shares = self.values(variant)[columns].to_numpy(float)
        for c, values in zip(beds, p_delay_matrix(shares, beds).T):
            mean, _, lo, hi, n = t_interval(values, level)
            one_in_n = 1 / mean if mean > 0 else np.inf
            rows.append((variant, c, mean, lo, hi, one_in_n, n))
    columns_out = ["variant", "beds", "p_delay", "ci_low", "ci_high", "one_in_n", "n"]
    return pd.DataFrame(rows, columns=columns_out)


LEVEL_METRIC = re.compile(r"^(busy|occupancy)\..+\.(share|audit)_\d+$")
P_DELAY_METRIC = re.compile(r"^p_delay\.(.+)\.(\d+)$")


def p_delay_table(res: Results, level: float = 0.95) -> pd.DataFrame:
    """The ``p_delay.<name>.<c>`` metrics of a run as one table:
    ``name, beds, variant, p_delay, ci_low, ci_high, one_in_n, n``."""
    summary = res.summary(level)
    rows = []
    for metric, variant, mean, lo, hi, n in zip(
        summary["metric"],
        summary["variant"],
        summary["mean"],
        summary["ci_low"],
        summary["ci_high"],
        summary["n"],
    ):
        m = P_DELAY_METRIC.match(metric)
        if m:
            one_in_n = 1 / mean if mean > 0 else np.inf
            rows.append((m[1], int(m[2]), variant, mean, lo, hi, one_in_n, n))
    columns = ["name", "beds", "variant", "p_delay", "ci_low", "ci_high", "one_in_n", "n"]
    return pd.DataFrame(rows, columns=columns)


Results.register("occupancy_distribution")(occupancy_distribution)
Results.register("p_delay")(p_delay)
