"""Run explicit parameter points through the sweep executors (for the
sensitivity analysis and calibration built on them)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .executors import PointTask, run_tasks


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
    data = sc.model_dump(mode="json", exclude_none=True)
    threads = 1 if executor != "serial" else (workers or 0)
    records = points.to_dict(orient="records")
    for values in records:
        sc.with_changes(values)  # a bad value fails before anything runs
    tasks = [
        PointTask(data, first_point + k, values, replications, seed, [variant], threads)
        for k, values in enumerate(records)
    ]
    means = {}
    for point, frame in run_tasks(tasks, executor, workers, address):
        metrics = frame.drop(columns=["point", *points.columns, "variant", "replication"])
        means[point] = metrics.mean()
    return pd.DataFrame([means[first_point + k] for k in range(len(records))]).reset_index(
        drop=True
    )
