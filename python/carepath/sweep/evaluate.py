"""Run explicit parameter points through the sweep executors (for the
sensitivity analysis and calibration built on them)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .executors import make_tasks, run_tasks


def evaluate(
    sc: Any,
    points: pd.DataFrame,
    replications: int,
    seed: int,
    variant: str = "baseline",
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
    first_point: int = 0,
) -> pd.DataFrame:
    """The mean over replications of every metric of ``variant`` at each point
    (the rows of ``points``, whose columns are dotted paths), in row order.
    Every point uses ``seed``: common random numbers."""
    records = points.to_dict(orient="records")
    tasks = make_tasks(sc, records, replications, seed, [variant], executor, workers, first_point)
    means = {}
    for point, frame in run_tasks(tasks, executor, workers, address):
        metrics = frame.drop(columns=["point", *points.columns, "variant", "replication"])
        means[point] = metrics.mean()
    return pd.DataFrame([means[first_point + k] for k in range(len(records))]).reset_index(
        drop=True
    )
