"""``cp.sweep``: many parameter points of one scenario, with common random
numbers, on a laptop or a cluster, resumable from its folder."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ScenarioError
from .design import make_points
from .executors import chunk_workers, make_chunks, make_job, run_chunks
from .result import SweepResult
from .shards import parse_shard, shard_points, shard_progress, start_record, write_record
from .store import SweepStore, fingerprint


def sweep(
    scenario: Any,
    params: dict[str, Any],
    design: str = "grid",
    n: int | None = None,
    replications: int | None = None,
    seed: int | None = None,
    variants: list[str] | None = None,
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
    out: str | os.PathLike[str] | None = None,
    progress: bool = False,
    cluster: dict[str, Any] | None = None,
    shard: tuple[int, int] | str | None = None,
    restart: bool = False,
) -> SweepResult:
    """Run a scenario at many parameter points.

    Parameters
    ----------
    scenario
        A [`Scenario`][carepath.model.scenario.Scenario], a built-in id, a YAML path or a mapping.
    params
        Dotted path -> a list of values (``grid``) or a ``(low, high)`` range
        (``lhs``, ``sobol``).
    design, n
        ``grid``, ``lhs`` or ``sobol``, and the number of points of the last two.
    replications, seed
        Per point (default the scenario's).  Every point uses the same seed,
        so points differ by their parameters, not by their random numbers
        (common random numbers).
    variants
        Which variants to run at each point (default all).
    executor, workers, address
        ``local`` (a process pool of ``workers``, default every core, each
        running the engine on one thread), ``serial`` (this process, the
        engine on ``workers`` threads), ``dask`` (a ``LocalCluster`` of
        ``workers`` processes, or the scheduler at ``address``), ``slurm``
        or ``pbs`` (batch jobs through dask-jobqueue, see ``cluster``), or
        ``mpi`` (run the same call on every rank under ``mpirun``: rank r
        runs points r, r + size, ...).
    cluster
        For ``slurm`` and ``pbs``: ``jobs`` (how many), and per job ``cores``,
        ``memory``, ``walltime``, ``queue``, ``account``.
    out
        A folder: each finished point is written there at once, and running
        the same sweep again skips the points already there.
    shard
        ``(K, N)`` or ``"K/N"``: run only shard K (from 0) of N into ``out``,
        where the other shards, started anywhere and in any order, write
        theirs (`carepath.sweeps.shards`); ``carepath sweep gather``
        then checks and joins them.
    restart
        Delete what ``out`` holds first (a damaged manifest, another sweep).
    progress
        A progress bar of points on stderr.

    Returns
    -------
    SweepResult
    """
    from .. import __version__
    from ..engine.batch import compiled
    from ..model import load

    sc = load(scenario)
    seed = sc.seed if seed is None else int(seed)
    replications = sc.replications if replications is None else int(replications)
    points = make_points(params, design, n, seed)
    paths = list(points.columns)
    rows = [list(row) for row in zip(*(points[p].tolist() for p in paths))]
    job = make_job(sc, paths, rows, replications, seed, variants, executor, workers)
    points.insert(0, "point", range(len(points)))
    ids = list(range(len(points)))
    if shard is not None:
        if out is None:
            raise ScenarioError("shard", "a shard writes into the sweep's folder: give out")
        shard = parse_shard(shard)
        ids = shard_points(len(points), shard, replications * len(job.variants))
    mpi = executor == "mpi"
    comm = None
    if mpi:
        from .executors import mpi_rank

        mpi_rank()  # says how to install mpi4py if it is missing
        from mpi4py import MPI

        comm = MPI.COMM_WORLD
    # held: the folder's lock, released however the sweep ends
    with contextlib.ExitStack() as held:
        store = None
        if out is not None:
            store = SweepStore(out)
            manifest = {
                "carepath": __version__,
                "scenario": job.scenario,
                "params": {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()},
                "design": design,
                "n": n,
                "seed": seed,
                "replications": replications,
                "variants": variants,
                "points": len(points),
            }
            manifest["fingerprint"] = fingerprint(manifest)
            if shard is None and comm is None:  # shards and ranks share the folder by design
                held.enter_context(store.lock())
            if comm is None or comm.Get_rank() == 0:
                if restart:
                    store.restart()
                store.open(manifest)
                store.done(verify=True)  # sets damaged parts aside: their points run again
            if comm is not None:
                comm.Barrier()  # every rank sees the manifest and the same finished points
            done = store.done()
            if shard is not None:
                record = start_record(store, shard, len(ids))
            ids = [k for k in ids if k not in done]
        per = chunk_workers(executor, workers, in_memory=store is None and not progress)
        chunks = make_chunks(job, ids, [rows[k] for k in ids], per)
        frames: list[pd.DataFrame] | None = None if store else []
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(
                total=len(points), initial=len(points) - len(ids), unit="point", desc=sc.name
            )
        try:
            plan = compiled(sc)
            for done_points, frame in run_chunks(chunks, executor, workers, address, cluster, plan):
                if store is not None:
                    store.write(done_points, frame)
                else:
                    frames.append(frame)  # type: ignore[union-attr]
                if bar is not None:
                    bar.update(len(done_points))
        finally:
            if bar is not None:
                bar.close()
    if shard is not None:
        record.finished = time.time()
        write_record(store, record)  # type: ignore[arg-type]
    if comm is not None:
        comm.Barrier()
        if frames is not None:  # every rank gets every point
            frames = [f for part in comm.allgather(frames) for f in part]
    return SweepResult(points, Path(out) if out is not None else None, frames)


def job_script(kind: str, cluster: dict[str, Any] | None = None) -> str:
    """The batch job script dask-jobqueue would submit for ``kind`` (``slurm``
    or ``pbs``) with these ``cluster`` options, without submitting it."""
    from .executors import jobqueue_cluster

    job_cluster = jobqueue_cluster(kind, cluster or {})
    try:
        return str(job_cluster.job_script())
    finally:
        job_cluster.close()


def status(folder: str | os.PathLike[str]) -> dict[str, Any]:
    """How far the sweep in ``folder`` has got, and each shard that has started
    (``shards``: shard, points, done, host, started, finished)."""
    store = SweepStore(folder)
    manifest = store.manifest()
    done = len(store.done())
    return {
        "scenario": manifest["scenario"]["name"],
        "design": manifest["design"],
        "points": manifest["points"],
        "done": done,
        "remaining": manifest["points"] - done,
        "replications": manifest["replications"],
        "seed": manifest["seed"],
        "carepath": manifest["carepath"],
        "shards": shard_progress(store, manifest),
    }
