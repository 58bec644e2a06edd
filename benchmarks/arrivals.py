"""The cost of time-varying arrivals: a pathway whose only cost is arrivals
(one delay step) with an hour x weekday profile against a constant rate of
the same mean, and the GP pathway (benchmarks/gp_pathway.yaml), one thread,
alternating, best of N, in one process.

    python benchmarks/arrivals.py [--weeks 2080] [--repeats 5]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import carepath as cp

ROOT = Path(__file__).resolve().parents[1]
# patients an hour: a morning rush on weekdays, quiet nights and weekends
HOURLY = [0.2] * 7 + [12.0, 9.0, 6.0, 4.0, 3.0, 2.5, 2.5, 2.5, 2.0, 2.0, 1.5, 1.0, 0.8] + [0.3] * 4
WEEKDAY = [1.6, 1.2, 1.1, 1.1, 1.0, 0.3, 0.2]
# a short stay keeps the calendar small in the rush as in the night: the
# difference between the two runs is the arrivals, not a bigger event heap
STAY = 0.01


def arrivals_only(weeks: int, profile: bool) -> cp.Scenario:
    mean = sum(HOURLY) * sum(WEEKDAY) / 168
    source = {"profile": {"hourly": HOURLY, "weekday": WEEKDAY}} if profile else {"rate": mean}
    return cp.load(
        {
            "name": "arrivals-only",
            "horizon": f"{weeks} weeks",
            "replications": 4,
            "arrivals": [{"name": "a", "start": "stay", **source}],
            "pathway": {
                "stay": {"delay": {"dist": "exponential", "mean": STAY}, "then": "out"},
                "out": {"exit": "done"},
            },
        }
    )


def timed(sc: cp.Scenario) -> tuple[float, int]:
    t = time.perf_counter()
    res = cp.run(sc, threads=1, seed=1)
    return time.perf_counter() - t, int(res.per_replication["arrivals"].sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=2080)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rates = np.outer(WEEKDAY, HOURLY)
    print(f"profile peak / mean = {rates.max() / rates.mean():.1f}")
    cases = {
        "constant rate": arrivals_only(args.weeks, False),
        "hour x weekday profile": arrivals_only(args.weeks, True),
        "GP pathway (104 weeks)": cp.load(ROOT / "benchmarks" / "gp_pathway.yaml").with_changes(
            {"horizon": "104 weeks", "replications": 16}
        ),
    }
    best: dict[str, tuple[float, int]] = {}
    for _ in range(args.repeats):
        for name, sc in cases.items():
            seconds, patients = timed(sc)
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, patients)
    base = best["constant rate"][0] / best["constant rate"][1]
    for name, (seconds, patients) in best.items():
        ns = seconds / patients * 1e9
        print(
            f"{name:24s} {seconds:7.3f} s  {patients:>10,} patients  {ns:6.0f} ns/patient"
            f"  ratio to constant {ns / (base * 1e9):.2f}"
        )


if __name__ == "__main__":
    main()
