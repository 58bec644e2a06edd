"""``carepath fit``'s validation: the fitted model simulated over the log's
span, its KPIs against the log's, and the event-log distances."""

from __future__ import annotations

import re
import warnings
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..model.clock import UNIT_HOURS

if TYPE_CHECKING:
    from ..model.scenario import Scenario

from .log_input import carepath_log

# The event-log distances compare the log with this many simulated replications.
DISTANCE_REPLICATIONS = 5


def validate(
    scenario: Scenario,
    frame: pd.DataFrame,
    steps: dict[str, str],
    tolerance: float,
    replications: int,
    seed: int,
    distances: list[pd.DataFrame],
    progress: bool = False,
) -> pd.DataFrame:
    """The log's KPIs against the fitted model's, per activity and overall;
    the event-log distances are appended to ``distances``."""
    from ..engine.run import run

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hourly = {"results.series": {"bin": "1 hour", "counts": ["exits"]}}
        res = run(scenario, replications=replications, seed=seed, progress=progress, changes=hourly)
        # the distances need simulated event logs: a few replications' are enough
        logged = run(
            scenario,
            replications=min(replications, DISTANCE_REPLICATIONS),
            seed=seed,
            changes={"results.event_log": {"max_events": 10**9}},
        )
    summary = res.summary().set_index("metric")
    # the log's activities by their step names, as the simulated log has them
    found = distances_of(frame.assign(activity=frame["activity"].map(steps)), logged, scenario)
    distances.append(pd.concat([found, throughput_of(frame, res, scenario)], ignore_index=True))
    system = frame.groupby("case").agg(first=("queue", "min"), last=("end", "max"))
    in_system = (system["last"] - system["first"]).to_numpy(float)
    log_kpis = {
        "system_time.mean": float(in_system.mean()),
        "system_time.p90": float(np.quantile(in_system, 0.9)),
    }
    for a, step in steps.items():
        rows = frame[frame["activity"] == a]
        waits = (rows["start"] - rows["queue"]).to_numpy(float)
        log_kpis[f"wait.{step}.mean"] = float(waits.mean())
        log_kpis[f"wait.{step}.p90"] = float(np.quantile(waits, 0.9))
        log_kpis[f"service.{step}.mean"] = float((rows["end"] - rows["start"]).mean())
    from ..model.offered_load import mean_of

    out = []
    for kpi, value in log_kpis.items():
        model: float
        if kpi.startswith("service."):
            # the fitted distribution's mean: a check of the fit, not of the run
            dist = scenario.pathway[kpi.split(".")[1]].service
            mean = mean_of(dist) if dist is not None else None
            model = low = high = float("nan") if mean is None else float(mean)
        else:
            row = summary.loc[kpi]
            model, low, high = float(row["mean"]), float(row["ci_low"]), float(row["ci_high"])
        # relative; none where the log's value is zero (a wait nobody had)
        difference = (
            (model - value) / abs(value) if value != 0 else 0.0 if model == 0 else float("nan")
        )
        # a wait near zero is compared absolutely, against the tolerance of the service time
        service = log_kpis.get(
            re.sub(r"^wait\.(.*)\.p90$", r"wait.\1.mean", kpi).replace("wait.", "service."), 0.0
        )
        within = abs(difference) <= tolerance or (
            kpi.startswith("wait.") and abs(model - value) <= tolerance * service
        )
        out.append(
            {
                "kpi": kpi,
                "log": value,
                "model": model,
                "ci_low": low,
                "ci_high": high,
                "difference": difference,
                "within": bool(within),
            }
        )
    return pd.DataFrame(out)


def cases_of(instances: pd.DataFrame) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """Each case's time in system and its sequence of activities."""
    ordered = instances.sort_values(["case", "start", "end"], kind="stable")
    groups = ordered.groupby("case", sort=False)
    times = (groups["end"].max() - groups["queue"].min()).to_numpy(float)
    sequences = [tuple(g) for _, g in groups["activity"]]
    return times, sequences


def bigrams_of(sequences: list[tuple[str, ...]]) -> dict[tuple[str, str], float]:
    counts: dict[tuple[str, str], float] = {}
    for seq in sequences:
        full = ("<start>", *seq, "<end>")
        for pair in pairwise(full):
            counts[pair] = counts.get(pair, 0.0) + 1.0
    total = sum(counts.values()) or 1.0
    return {k: v / total for k, v in counts.items()}


def distances_of(frame: pd.DataFrame, res: Any, scenario: Scenario) -> pd.DataFrame:
    """As log-distance-measures defines them (Chapela-Campa et al. 2023): the
    earth mover's distance between the cycle-time distributions (relative to
    the log's mean), the mean over weekdays of the EMD between the hours of
    day at which activities start (circadian, in hours), and the 2-gram
    distance between the activity sequences (half the sum of the absolute
    differences of their relative frequencies: 0 the same, 1 disjoint)."""
    from scipy.stats import wasserstein_distance

    sim = res.event_log
    sim = sim[sim["replication"] < DISTANCE_REPLICATIONS]
    parts = []
    for rep, rows in sim.groupby("replication"):
        inst = carepath_log(rows)
        inst["case"] = f"{rep}:" + inst["case"].astype(str)
        inst["queue"] = inst["arrival"]
        parts.append(inst)
    simulated = pd.concat(parts, ignore_index=True)
    log_times, log_seqs = cases_of(frame)
    sim_times, sim_seqs = cases_of(simulated)
    hours_per_unit = UNIT_HOURS[scenario.time_unit]
    start = scenario.start.hour_of_week

    def hour_of_week(t: pd.Series) -> np.ndarray:
        return (t.to_numpy(float) * hours_per_unit + start) % 168.0

    a, b = hour_of_week(frame["start"]), hour_of_week(simulated["start"])
    days = [
        wasserstein_distance(a[a // 24 == d] % 24, b[b // 24 == d] % 24)
        for d in range(7)
        if np.any(a // 24 == d) and np.any(b // 24 == d)
    ]
    p, q = bigrams_of(log_seqs), bigrams_of(sim_seqs)
    ngram = 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in set(p) | set(q))
    emd = wasserstein_distance(log_times, sim_times) / max(float(log_times.mean()), 1e-12)
    return pd.DataFrame(
        [
            {
                "distance": "cycle_time_emd",
                "value": emd,
                "meaning": "EMD of times in system / log mean",
            },
            {
                "distance": "circadian_emd",
                "value": float(np.mean(days)) if days else float("nan"),
                "meaning": "hours, mean over weekdays",
            },
            {"distance": "ngram_2", "value": ngram, "meaning": "0 the same sequences, 1 disjoint"},
        ]
    )


def throughput_of(frame: pd.DataFrame, res: Any, scenario: Scenario) -> pd.DataFrame:
    """Cases leaving in each hour of the week, a week on average, in the log
    and in the model: their mean absolute difference over the log's mean."""
    hours = UNIT_HOURS[scenario.time_unit]
    start = scenario.start.hour_of_week
    horizon_hours = scenario.horizon * hours
    left = frame.groupby("case")["end"].max().to_numpy(float) * hours
    left = left[left <= horizon_hours]
    clock = np.arange(int(np.ceil(horizon_hours)))
    exposure = np.bincount((clock + int(start)) % 168, minlength=168).astype(float)
    log_rate = np.bincount(((left + start) // 1).astype(int) % 168, minlength=168) / np.maximum(
        exposure, 1
    )
    series = res.series["baseline"]
    exits = sum(
        series.values[:, i, :] for i, n in enumerate(series.names) if n.startswith("exits.")
    )
    per_bin = np.asarray(exits).mean(axis=0)  # one-hour bins from t = 0
    slots = (np.arange(per_bin.size) + int(start)) % 168
    model_rate = np.bincount(slots, weights=per_bin, minlength=168) / np.maximum(
        np.bincount(slots, minlength=168), 1
    )
    mae = float(np.mean(np.abs(model_rate - log_rate)) / max(float(log_rate.mean()), 1e-12))
    return pd.DataFrame(
        [
            {
                "distance": "throughput_by_hour",
                "value": mae,
                "meaning": "mean |model - log| of the cases leaving in each hour of "
                "the week, over the log's mean",
            }
        ]
    )
