"""The cost of occupancy distributions: the stroke-capacity scenario run
with and without ``results.distributions`` (time-weighted shares, daily
audits and its P(delay) metrics), in one process, alternating, one thread.

    python benchmarks/bed_planning.py [--replications 300] [--repeats 7]

Prints the best time of each and their ratio (with / without).
"""

from __future__ import annotations

import argparse
import time

import carepath as cp


def best(sc: cp.Scenario, replications: int) -> float:
    t = time.perf_counter()
    cp.run(sc, replications=replications, threads=1, variants=["baseline"])
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with_dist = cp.load("stroke-capacity")
    no_targets = with_dist.model_dump(exclude={"targets"})
    no_targets["results"]["derived"] = {}
    with_dist = cp.load(no_targets)
    without = with_dist.with_changes({"results.distributions": None})
    audit_free = with_dist.with_changes({"results.distributions.audit": None})
    times: dict[str, list[float]] = {"without": [], "shares": [], "shares + audits": []}
    for _ in range(args.repeats):
        times["without"].append(best(without, args.replications))
        times["shares"].append(best(audit_free, args.replications))
        times["shares + audits"].append(best(with_dist, args.replications))
    base = min(times["without"])
    print(f"stroke-capacity, {args.replications} replications, 1 thread, best of {args.repeats}")
    for name, values in times.items():
        print(f"  {name:16s} {min(values):.3f} s  ratio {min(values) / base:.3f}")


if __name__ == "__main__":
    main()
