"""Run explicit parameter points through the sweep executors (for the
sensitivity analysis and calibration built on them)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..engine.batch import compiled
from .executors import chunk_workers, make_chunks, make_job, run_chunks


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
    paths = list(points.columns)
    rows = [list(row) for row in zip(*(points[p].tolist() for p in paths))]
    job = make_job(sc, paths, rows, replications, seed, [variant], executor, workers)
    ids = list(range(first_point, first_point + len(rows)))
    chunks = make_chunks(job, ids, rows, chunk_workers(executor, workers, in_memory=True))
    means = []
    for _, frame in run_chunks(chunks, executor, workers, address, plan=compiled(sc)):
        metrics = frame.drop(columns=[*paths, "variant", "replication"])
        means.append(metrics.groupby("point", sort=False).mean())
    table = pd.concat(means).sort_index()
    return table.reset_index(drop=True)
