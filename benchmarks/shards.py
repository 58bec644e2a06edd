"""Job-array shards: the fixed cost of starting one (import to its first
point) and the throughput of 4 shards started at once on this machine.

    python benchmarks/shards.py [--points 10000]

The sweep is benchmarks/ed_small.yaml over its arrival rate, one
replication a point; each shard is a separate `python -m carepath sweep ...
--shard K/4 --executor serial --workers 1` process, as a task of a job
array runs it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def write_sweep(folder: Path, points: int) -> Path:
    rates = [round(float(r), 9) for r in np.linspace(8.5, 10.5, points)]
    path = folder / "sweep.yaml"
    path.write_text(
        f"scenario: {ROOT / 'benchmarks' / 'ed_small.yaml'}\n"
        f"params:\n  arrivals[0].rate: {rates}\n"
        "replications: 1\nvariants: [baseline]\n"
    )
    return path


def shard(sweep: Path, out: Path, k: int, n: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "carepath",
            "sweep",
            str(sweep),
            "--out",
            str(out),
            "--shard",
            f"{k}/{n}",
            "--executor",
            "serial",
            "--workers",
            "1",
            "--quiet",
        ],
        stdout=subprocess.DEVNULL,
    )


def first_part_seconds(sweep: Path, out: Path) -> float:
    """From starting a shard process to its first part on disk."""
    start = time.perf_counter()
    proc = shard(sweep, out, 0, 64)
    parts = out / "parts"
    while not (parts.exists() and any(parts.glob("*.parquet"))):
        if proc.poll() is not None:
            break
        time.sleep(0.005)
    seconds = time.perf_counter() - start
    proc.wait()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sweep = write_sweep(folder, args.points)
        first = min(first_part_seconds(sweep, folder / f"first{i}") for i in range(3))
        start = time.perf_counter()
        procs = [shard(sweep, folder / "four", k, 4) for k in range(4)]
        codes = [p.wait() for p in procs]
        wall = time.perf_counter() - start
        assert codes == [0, 0, 0, 0], codes
        gather = subprocess.run(
            [sys.executable, "-m", "carepath", "sweep", "gather", str(folder / "four")],
            capture_output=True,
            text=True,
        )
        assert gather.returncode == 0, gather.stderr
    print(f"{os.cpu_count()} cores; ed-small, {args.points:,} points x 1 replication")
    print(f"one shard process, start to its first part on disk: {first:.2f} s (best of 3)")
    print(f"4 shards at once: {wall:.2f} s, {args.points / wall:,.0f} points/s (then gathered)")


if __name__ == "__main__":
    main()
