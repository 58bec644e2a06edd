"""Shards: a sweep split among processes that share only its folder (the
tasks of a SLURM or PBS job array, the jobs of a CI matrix), with no driver
process, then gathered.

Shard K of N runs the blocks of consecutive points numbered K, K + N,
K + 2N, ...: every shard gets blocks from the whole design, so a region of
expensive points (a high arrival rate, a long horizon) is spread over all
of them, and each block is a part on disk.  The partition depends only on
the number of points, N and the runs a point makes, so every shard computes
the same one.
"""

from __future__ import annotations

import json
import math
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import CarepathError, ScenarioError
from ..io import atomic_path
from .design import make_points
from .executors import CHUNK_RUNS
from .store import SweepStore


def parse_shard(text: str | tuple[int, int]) -> tuple[int, int]:
    """``"3/8"`` (or ``(3, 8)``) as (3, 8): shard 3 of 8, numbered from 0.

    Raises
    ------
    ScenarioError
        Naming ``--shard`` unless 0 <= K < N.
    """
    try:
        k, n = (int(x) for x in text.split("/")) if isinstance(text, str) else map(int, text)
    except (ValueError, TypeError):
        raise ScenarioError("--shard", f"must be K/N such as 3/8, got {text!r}") from None
    if not 0 <= k < n:
        raise ScenarioError("--shard", f"needs 0 <= K < N, got {k}/{n}")
    return k, n


def block_size(n_points: int, n_shards: int, runs: int) -> int:
    """Points a block: about eight blocks a shard, at most CHUNK_RUNS runs each."""
    return max(1, min(math.ceil(n_points / (8 * n_shards)), CHUNK_RUNS // max(1, runs)))


def shard_points(n_points: int, shard: tuple[int, int], runs: int) -> list[int]:
    """The points shard K of N runs (``runs``: engine runs a point makes)."""
    k, n = shard
    size = block_size(n_points, n, runs)
    return [
        p
        for start in range(k * size, n_points, n * size)
        for p in range(start, min(start + size, n_points))
    ]


def shard_of(point: int, n_points: int, n_shards: int, runs: int) -> int:
    return (point // block_size(n_points, n_shards, runs)) % n_shards


@dataclass
class ShardRecord:
    """What a shard wrote about itself in ``shards/``."""

    shard: int
    of: int
    points: int
    host: str
    pid: int
    started: float
    finished: float | None = None


def write_record(store: SweepStore, record: ShardRecord) -> None:
    path = store.shards / f"shard-{record.shard:05d}-of-{record.of:05d}.json"
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(record.__dict__))


def start_record(store: SweepStore, shard: tuple[int, int], points: int) -> ShardRecord:
    record = ShardRecord(shard[0], shard[1], points, socket.gethostname(), os.getpid(), time.time())
    write_record(store, record)
    return record


def records(store: SweepStore) -> list[ShardRecord]:
    """Every shard's record, by shard count then number."""
    if not store.shards.exists():
        return []
    out = [ShardRecord(**json.loads(p.read_text())) for p in store.shards.glob("shard-*.json")]
    return sorted(out, key=lambda r: (r.of, r.shard))


def points_of(manifest: dict[str, Any]) -> pd.DataFrame:
    """The sweep's points, rebuilt from its manifest: ``point`` and each parameter."""
    points = make_points(manifest["params"], manifest["design"], manifest["n"], manifest["seed"])
    points.insert(0, "point", range(len(points)))
    return points


def runs_per_point(manifest: dict[str, Any]) -> int:
    from ..model import Scenario

    variants = manifest["variants"]
    if variants is None:
        variants = Scenario.model_validate(manifest["scenario"]).variant_names
    return int(manifest["replications"]) * len(variants)


def ranges(points: list[int]) -> str:
    """``[1, 2, 3, 7, 9, 10]`` as ``1-3, 7, 9-10``."""
    out, start = [], None
    for i, p in enumerate(points):
        if start is None:
            start = p
        if i + 1 == len(points) or points[i + 1] != p + 1:
            out.append(str(start) if start == p else f"{start}-{p}")
            start = None
    return ", ".join(out)


class IncompleteSweep(CarepathError):
    """A sweep folder with points not yet written.

    Attributes
    ----------
    missing
        The points missing.
    rerun
        The shards (``K/N``) that hold them, when shards ran the sweep.
    """

    def __init__(self, folder: Path, total: int, missing: list[int], rerun: list[str]) -> None:
        self.missing, self.rerun = missing, rerun
        shown = ranges(missing)
        if len(shown) > 300:
            shown = shown[:300].rsplit(",", 1)[0] + ", ..."
        text = f"{folder}: {len(missing)} of {total} points missing ({shown})"
        if rerun:
            text += "; rerun " + ", ".join(f"--shard {s}" for s in rerun)
        super().__init__(text)


def gather(folder: str | os.PathLike[str], out: str | os.PathLike[str] | None = None) -> Path:
    """Check that every point of the sweep in ``folder`` is there and write
    them as one Parquet table (``SweepResult.results``), atomically, to
    ``out`` (default ``folder/results.parquet``).  Returns the path written.

    Raises
    ------
    IncompleteSweep
        Naming the missing points and the shards to rerun.
    """
    from .result import SweepResult

    store = SweepStore(folder)
    manifest = store.manifest()
    points = points_of(manifest)
    done = store.done(verify=True)
    missing = [p for p in range(len(points)) if p not in done]
    if missing:
        runs = runs_per_point(manifest)
        rerun = []
        for n in sorted({r.of for r in records(store)}):
            shards = sorted({shard_of(p, len(points), n, runs) for p in missing})
            rerun += [f"{k}/{n}" for k in shards]
        raise IncompleteSweep(store.folder, len(points), missing, rerun)
    store.clear_stale(everyone=True)  # complete: no process is writing
    path = Path(out) if out is not None else store.folder / "results.parquet"
    table = SweepResult(points, store.folder).results
    with atomic_path(path) as tmp:
        table.to_parquet(tmp, index=False)
    return path


def shard_progress(store: SweepStore, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Per shard that has started: its points, how many are done, when it
    started and finished."""
    n_points = int(manifest["points"])
    runs = runs_per_point(manifest)
    done = store.done()
    rows = []
    for r in records(store):
        mine = shard_points(n_points, (r.shard, r.of), runs)
        rows.append(
            {
                "shard": f"{r.shard}/{r.of}",
                "points": len(mine),
                "done": sum(p in done for p in mine),
                "host": r.host,
                "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r.started)),
                "finished": "-"
                if r.finished is None
                else time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r.finished)),
            }
        )
    return rows
