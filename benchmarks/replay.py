"""A replayed arrivals file against a Poisson source of the same count: one
clinic (five nurses, exponential service), 10^6 arrivals a replication, the
file's times drawn once from the same Poisson process and written as Parquet.

Times, best of N, alternating, in one process: `cp.run` from the scenario
file (loading, reading the file once, compiling and running), and the peak
memory added by more replications (the times are held once per run, not
per replication).

    python benchmarks/replay.py [--arrivals 1000000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

import carepath as cp
from carepath.model import arrival_data, data_files

RATE = 4.0  # arrivals an hour; five nurses of mean service 1 hour: load 0.8


def clinic(source: dict, horizon: float) -> dict:
    return {
        "name": "replay-bench",
        "horizon": horizon,
        "resources": {"nurse": {"capacity": 5}},
        "arrivals": [{"name": "referrals", "start": "see", **source}],
        "pathway": {
            "see": {
                "seize": "nurse",
                "service": {"dist": "exponential", "mean": 1.0},
                "then": "out",
            },
            "out": {"exit": "seen"},
        },
        "results": {"percentiles": []},
    }


def timed(path: str, replications: int) -> float:
    start = time.perf_counter()
    cp.run(path, replications=replications, seed=1, threads=1)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arrivals", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--replications", type=int, default=2)
    args = parser.parse_args()
    horizon = args.arrivals / RATE
    folder = Path(tempfile.mkdtemp(prefix="carepath-replay-"))
    gaps = np.random.default_rng(7).exponential(1 / RATE, int(args.arrivals * 1.01))
    times = np.cumsum(gaps)
    times = times[times <= horizon]
    pd.DataFrame({"t": times}).to_parquet(folder / "arrivals.parquet")
    replay = folder / "replay.yaml"
    replay.write_text(yaml.safe_dump(clinic({"from": "arrivals.parquet", "time": "t"}, horizon)))
    poisson = folder / "poisson.yaml"
    poisson.write_text(yaml.safe_dump(clinic({"rate": RATE}, horizon)))
    best = {"poisson": float("inf"), "replay": float("inf"), "replay, file read": float("inf")}
    for _ in range(args.repeats):
        best["poisson"] = min(best["poisson"], timed(str(poisson), args.replications))
        best["replay"] = min(best["replay"], timed(str(replay), args.replications))
        for cache in (data_files._read, arrival_data._replay):  # as a new process would
            cache.cache_clear()
        best["replay, file read"] = min(
            best["replay, file read"], timed(str(replay), args.replications)
        )
    print(f"{len(times):,} arrivals a replication, {args.replications} replications, 1 thread")
    for name, seconds in best.items():
        print(f"{name:>20}: {seconds:7.3f} s  {seconds / best['poisson']:5.2f}x the Poisson source")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cp.run(str(replay), replications=16, seed=1, threads=2)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"peak memory: {before / 1024:.0f} MiB after {args.replications}-replication runs, "
        f"{after / 1024:.0f} MiB after a 16-replication run "
        f"(the times: {times.nbytes / 2**20:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
