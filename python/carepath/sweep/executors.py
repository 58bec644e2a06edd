"""Where sweep points run: in this process, a local process pool, or Dask.

A point's result depends only on its scenario, values, replications and
seed, so every executor gives the same numbers, bit for bit.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

EXECUTORS = ("serial", "local", "dask", "slurm", "pbs", "mpi")
JOBQUEUE = {"slurm": "SLURMCluster", "pbs": "PBSCluster"}


@dataclass(frozen=True)
class PointTask:
    """Everything a worker needs to run one point (picklable)."""

    scenario: dict[str, Any]
    point: int
    values: dict[str, Any]
    replications: int
    seed: int
    variants: list[str] | None
    threads: int = 1


def make_tasks(
    sc: Any,
    records: list[dict[str, Any]],
    replications: int,
    seed: int,
    variants: list[str] | None,
    executor: str,
    workers: int | None,
    first_point: int = 0,
) -> list[PointTask]:
    """One task per point (numbered from ``first_point``), each point checked
    first so that a bad value fails before anything runs."""
    for values in records:
        sc.with_changes(values)
    data = sc.model_dump(mode="json", exclude_none=True)
    threads = 1 if executor != "serial" else (workers or 0)
    return [
        PointTask(data, first_point + k, values, replications, seed, variants, threads)
        for k, values in enumerate(records)
    ]


def run_point(task: PointTask) -> pd.DataFrame:
    """One point: its replications of every variant, with the point's values."""
    from ..run import run
    from ..scenario import Scenario

    sc = Scenario.model_validate(task.scenario).with_changes(task.values)
    frame = run(
        sc,
        replications=task.replications,
        seed=task.seed,
        threads=task.threads,
        variants=task.variants,
    ).per_replication
    frame.insert(0, "point", task.point)
    for j, (path, value) in enumerate(task.values.items()):
        frame.insert(1 + j, path, value)
    return frame


def run_chunk(tasks: list[PointTask]) -> list[tuple[int, pd.DataFrame]]:
    """Several points in one go: one round trip to a worker for all of them."""
    return [(t.point, run_point(t)) for t in tasks]


def _chunks(tasks: list[PointTask], workers: int) -> list[list[PointTask]]:
    # about eight chunks a worker, so that the load still balances, and at
    # most 16 points a chunk, so that finished points reach the disk soon
    size = max(1, min(16, len(tasks) // (8 * workers)))
    return [tasks[i : i + size] for i in range(0, len(tasks), size)]


def run_tasks(
    tasks: list[PointTask],
    executor: str,
    workers: int | None,
    address: str | None,
    cluster: dict[str, Any] | None = None,
) -> Iterator[tuple[int, pd.DataFrame]]:
    """Run the tasks, yielding (point, frame) as each finishes (under MPI: this
    rank's share of them)."""
    if executor == "serial":
        for task in tasks:
            yield task.point, run_point(task)
    elif executor == "local":
        yield from _local(tasks, workers or os.cpu_count() or 1)
    elif executor == "dask":
        yield from _dask(tasks, workers, address)
    elif executor in JOBQUEUE:
        job_cluster = jobqueue_cluster(executor, cluster or {})
        try:
            job_cluster.scale(jobs=(cluster or {}).get("jobs", 1))
            yield from _dask(tasks, None, job_cluster)
        finally:
            job_cluster.close()
    elif executor == "mpi":
        rank, size = mpi_rank()
        for i, task in enumerate(tasks):
            if i % size == rank:
                yield task.point, run_point(task)
    else:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}, got {executor!r}")


def jobqueue_cluster(kind: str, options: dict[str, Any]) -> Any:
    """A dask-jobqueue cluster of batch jobs, each running ``cores`` one-thread
    workers: ``cores``, ``memory``, ``walltime``, ``queue``, ``account``."""
    try:
        import dask_jobqueue
    except ImportError:
        raise ImportError(
            f"the {kind} executor needs dask-jobqueue: pip install 'carepath[cluster]'"
        ) from None
    cores = int(options.get("cores", 1))
    kwargs = {
        "cores": cores,
        "processes": cores,  # one engine thread a worker process
        "memory": options.get("memory", f"{2 * cores}GB"),
        "walltime": options.get("walltime", "01:00:00"),
    }
    for key in ("queue", "account"):
        if options.get(key):
            kwargs[key] = options[key]
    return getattr(dask_jobqueue, JOBQUEUE[kind])(**kwargs)


def mpi_rank() -> tuple[int, int]:
    """This process's rank and the number of ranks (under mpirun)."""
    try:
        from mpi4py import MPI
    except ImportError:
        raise ImportError(
            "the mpi executor needs mpi4py and an MPI: pip install 'carepath[mpi]'"
        ) from None
    return MPI.COMM_WORLD.Get_rank(), MPI.COMM_WORLD.Get_size()


def _local(tasks: list[PointTask], workers: int) -> Iterator[tuple[int, pd.DataFrame]]:
    from concurrent.futures import ProcessPoolExecutor, as_completed

    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        futures = [pool.submit(run_chunk, chunk) for chunk in _chunks(tasks, workers)]
        for future in as_completed(futures):
            yield from future.result()
    finally:  # Ctrl-C or an error: drop what has not started
        pool.shutdown(wait=True, cancel_futures=True)


def _dask(
    tasks: list[PointTask], workers: int | None, address: Any
) -> Iterator[tuple[int, pd.DataFrame]]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ImportError(
            "the dask executor needs dask.distributed: pip install 'carepath[dask]'"
        ) from None
    cluster = None
    if address is None:
        cluster = LocalCluster(
            n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True
        )
    client = Client(address or cluster)
    try:
        if address is not None and not isinstance(address, str):  # a jobqueue cluster
            client.wait_for_workers(1, timeout=3600)
        n_workers = len(client.scheduler_info()["workers"]) or 1
        futures = client.map(run_chunk, _chunks(tasks, n_workers), pure=False)
        for future in as_completed(futures):
            yield from future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
