"""Sweep throughput and per-point overhead on this machine, by executor.

    python benchmarks/sweep_throughput.py [--points 2000] [--replications 10]

A grid over mm5's arrival rate; each point is a short run (1,000 hours
observed, 10 replications).  It measures the engine's own time for the same
points in one process (cp.run in a loop, one thread), then the wall time of
the sweep with each executor, and reports points a second and the overhead
per point: wall x workers / points - engine time per point.  The driver's
memory at 10^4 and 10^5 points is measured by benchmarks/sweep_batch.py.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import carepath as cp

SCENARIO = cp.load("mm5").with_changes({"horizon": 3000, "warmup": 2000})


def params(points: int) -> dict:
    return {"arrivals[0].rate": list(np.round(np.linspace(3.0, 4.4, points), 6))}


def engine_time(points: int, replications: int) -> float:
    start = time.perf_counter()
    for rate in params(points)["arrivals[0].rate"]:
        cp.run(
            SCENARIO,
            replications=replications,
            threads=1,
            variants=["baseline"],
            changes={"arrivals[0].rate": rate},
        )
    return (time.perf_counter() - start) / points


def sweep_time(points: int, replications: int, executor: str, workers: int) -> float:
    start = time.perf_counter()
    cp.sweep(
        SCENARIO,
        params(points),
        replications=replications,
        variants=["baseline"],
        executor=executor,
        workers=workers,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--replications", type=int, default=10)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    n, reps = args.points, args.replications
    per_point = engine_time(min(n, 200), reps)
    print(f"{cores} cores; {n} points of mm5, {reps} replications each")
    print(f"engine alone, one thread: {1000 * per_point:.2f} ms a point")
    for executor, workers in (("serial", 1), ("local", cores), ("dask", cores)):
        wall = sweep_time(n, reps, executor, workers)
        overhead = wall * workers / n - per_point
        print(
            f"{executor:<7} x{workers}: {wall:7.2f} s, {n / wall:7.1f} points/s, "
            f"overhead {1000 * overhead:6.2f} ms a point"
        )


if __name__ == "__main__":
    main()
