"""The cost of ranking and selection: KN++ over 20 variants of
benchmarks/ed_small.yaml (arrival rates 9.0 to 9.95 an hour; choose the
smallest mean wait for a majors doctor), against the engine time of the
replications it used, each candidate's run in one batch-path call.  One
thread, best of N, in one process.

    python benchmarks/selection.py [--delta 0.001] [--repeats 3]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import carepath as cp
from carepath.engine.batch import compiled

ROOT = Path(__file__).resolve().parents[1]
METRIC = "wait.majors_doctor.mean"


def scenario() -> cp.Scenario:
    data = cp.load(ROOT / "benchmarks" / "ed_small.yaml").model_dump(
        mode="json", exclude_defaults=True
    )
    rates = [9.0 + 0.05 * i for i in range(20)]
    data["variants"] = {f"rate_{round(r * 100)}": {"arrivals.0.rate": r} for r in rates}
    return cp.load(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delta", type=float, default=0.001)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sc = scenario()
    names = [v for v in sc.variant_names if v != "baseline"]
    plan = compiled(sc)
    best_select = best_used = float("inf")
    for _ in range(args.repeats):
        t = time.perf_counter()
        chosen = cp.select_best(sc, names, metric=METRIC, delta=args.delta, threads=1)
        best_select = min(best_select, time.perf_counter() - t)
        used = dict(zip(chosen.table["candidate"], chosen.table["replications"]))
        t = time.perf_counter()
        for name, n in used.items():
            plan.run([], [[]], [name], int(n), sc.seed, 1)
        best_used = min(best_used, time.perf_counter() - t)
    print(f"KN++ over {len(names)} variants, delta {args.delta}: chose {chosen.best}")
    print(f"  replications used {chosen.replications}, simulated {chosen.simulated}")
    print(f"  select_best {best_select:.3f} s; the used replications alone {best_used:.3f} s")
    print(f"  ratio {best_select / best_used:.2f}")


if __name__ == "__main__":
    main()
