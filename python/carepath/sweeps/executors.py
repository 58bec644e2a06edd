"""Where sweep points run: in this process, a local process pool, Dask
(local, a scheduler, or SLURM/PBS jobs) or MPI ranks.

Points travel in chunks: a worker compiles the scenario once (see
`carepath.engine.batch`) and runs each chunk as one engine call.  A point's
result depends only on its scenario, values, replications and seed, so every
executor gives the same numbers, bit for bit.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..engine.batch import CompiledScenario, compiled

EXECUTORS = ("serial", "local", "dask", "slurm", "pbs", "mpi")
JOBQUEUE = {"slurm": "SLURMCluster", "pbs": "PBSCluster"}
# Engine runs (points x variants x replications) in a chunk, at most: a
# chunk is one part on disk, so a killed sweep loses at most one per worker.
CHUNK_RUNS = 4096


@dataclass(frozen=True)
class SweepJob:
    """What every chunk of a sweep shares (picklable)."""

    scenario: dict[str, Any]
    key: str  # the scenario's fingerprint: a worker compiles it once
    paths: list[str]
    replications: int
    seed: int
    variants: list[str]
    threads: int = 1
    # the scenario file's folder: relative data-file paths in the points
    # start there on every worker (docs/reference/data-sources.md)
    root: str | None = None


@dataclass(frozen=True)
class Chunk:
    """Consecutive points of a sweep (picklable)."""

    job: SweepJob
    points: list[int]
    values: list[list[Any]]  # one row per point, in the job's path order


def make_job(
    sc: Any,
    paths: list[str],
    rows: list[list[Any]],
    replications: int,
    seed: int,
    variants: list[str] | None,
    executor: str,
    workers: int | None,
) -> SweepJob:
    """The job of a sweep, its points checked first, so that a bad value
    fails before anything runs."""
    from .store import fingerprint

    names = list(sc.variant_names if variants is None else variants)
    plan = compiled(sc)
    plan.check(paths, rows, names)
    data = sc.model_dump(mode="json", exclude_none=True)
    threads = 1 if executor != "serial" else (workers or 0)
    root = None if sc.root is None else str(sc.root)
    return SweepJob(data, fingerprint(data), list(paths), replications, seed, names, threads, root)


def make_chunks(
    job: SweepJob, points: list[int], rows: list[list[Any]], workers: int
) -> list[Chunk]:
    """The points in chunks of consecutive ids, at most CHUNK_RUNS engine runs
    each: about eight a worker, so that the load balances and a killed sweep
    loses little; with ``workers=0`` as few as that allows (a serial sweep
    held in memory, where each chunk only costs an engine call and a table:
    in 8 chunks a 200-point sweep took 1.7x one run of as many replications,
    docs/performance.md)."""
    if not points:
        return []
    runs = job.replications * len(job.variants)
    balanced = math.ceil(len(points) / (8 * workers)) if workers > 0 else len(points)
    size = max(1, min(balanced, CHUNK_RUNS // runs))
    chunks, start = [], 0
    for k in range(1, len(points) + 1):
        if k == len(points) or k - start == size or points[k] != points[k - 1] + 1:
            chunks.append(Chunk(job, points[start:k], rows[start:k]))
            start = k
    return chunks


_PLANS: dict[str, CompiledScenario] = {}


def _plan(job: SweepJob) -> CompiledScenario:
    """The job's scenario compiled, once per process."""
    plan = _PLANS.get(job.key)
    if plan is None:
        from ..model import Scenario

        if len(_PLANS) >= 8:
            _PLANS.clear()
        from pathlib import Path

        from ..model.validation import validate_data

        root = None if job.root is None else Path(job.root)
        plan = CompiledScenario(validate_data(job.scenario, Scenario, root=root))
        _PLANS[job.key] = plan
    return plan


def run_chunk(chunk: Chunk, plan: CompiledScenario | None = None) -> tuple[list[int], pd.DataFrame]:
    """A chunk's points, every variant and replication, as one table: the
    point, its parameter values, the variant, the replication, the metrics."""
    job = chunk.job
    plan = plan or _plan(job)
    block = plan.run(
        job.paths, chunk.values, job.variants, job.replications, job.seed, job.threads, checked=True
    )
    per_point = len(job.variants) * job.replications
    n = len(chunk.points)
    columns: dict[str, Any] = {
        "point": np.repeat(np.asarray(chunk.points, dtype=np.int64), per_point)
    }
    for j, path in enumerate(job.paths):
        columns[path] = np.repeat(np.asarray([row[j] for row in chunk.values]), per_point)
    variants = np.repeat(np.asarray(job.variants, dtype=object), job.replications)
    columns["variant"] = np.tile(variants, n)
    columns["replication"] = np.tile(
        np.arange(job.replications, dtype=np.int64), n * len(job.variants)
    )
    columns.update({m: block.values[:, i] for i, m in enumerate(block.columns)})
    return chunk.points, pd.DataFrame(columns)


def run_chunks(
    chunks: list[Chunk],
    executor: str,
    workers: int | None,
    address: str | None,
    cluster: dict[str, Any] | None = None,
    plan: CompiledScenario | None = None,
) -> Iterator[tuple[list[int], pd.DataFrame]]:
    """Run the chunks, yielding (points, table) as each finishes (under MPI:
    this rank's share of them).  ``plan``: the scenario already compiled in
    this process, for the executors that run here."""
    if executor == "serial":
        for chunk in chunks:
            yield run_chunk(chunk, plan)
    elif executor == "local":
        yield from _local(chunks, workers or os.cpu_count() or 1)
    elif executor == "dask":
        yield from _dask(chunks, workers, address)
    elif executor in JOBQUEUE:
        job_cluster = jobqueue_cluster(executor, cluster or {})
        try:
            job_cluster.scale(jobs=(cluster or {}).get("jobs", 1))
            yield from _dask(chunks, None, job_cluster)
        finally:
            job_cluster.close()
    elif executor == "mpi":
        rank, size = mpi_rank()
        for i, chunk in enumerate(chunks):
            if i % size == rank:
                yield run_chunk(chunk, plan)
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


def _local(chunks: list[Chunk], workers: int) -> Iterator[tuple[list[int], pd.DataFrame]]:
    from concurrent.futures import ProcessPoolExecutor, as_completed

    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        futures = [pool.submit(run_chunk, chunk) for chunk in chunks]
        for future in as_completed(futures):
            yield future.result()
    finally:  # Ctrl-C or an error: drop what has not started
        pool.shutdown(wait=True, cancel_futures=True)


def _dask(
    chunks: list[Chunk], workers: int | None, address: Any
) -> Iterator[tuple[list[int], pd.DataFrame]]:
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
        futures = client.map(run_chunk, chunks, pure=False)
        for future in as_completed(futures):
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def chunk_workers(executor: str, workers: int | None, in_memory: bool) -> int:
    """What make_chunks balances the points over: the worker processes, or 0
    for a serial sweep held in memory (no folder to resume from, no progress
    bar to move), whose chunks may be as large as CHUNK_RUNS allows."""
    return 0 if executor == "serial" and in_memory else worker_count(executor, workers)


def worker_count(executor: str, workers: int | None) -> int:
    """How many processes share the chunks (for sizing them)."""
    if executor in ("serial", "mpi"):
        return 1 if executor == "serial" else mpi_rank()[1]
    return workers or os.cpu_count() or 1
