"""The cost of metrics by patient class: benchmarks/ed_small.yaml (about 230
patients a replication, six resources) with a two-valued attribute, with and
without ``results.by`` on it, one thread, alternating, best of N, in one
process; timed through ``cp.run`` and for the engine call alone.

    python benchmarks/by_class.py [--replications 10000] [--repeats 11] [--horizon 26]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import carepath as cp
from carepath import _core
from carepath.engine.compile import compile_scenario

ROOT = Path(__file__).resolve().parents[1]


def scenarios(horizon: float) -> dict[str, cp.Scenario]:
    data = cp.load(ROOT / "benchmarks" / "ed_small.yaml").model_dump(
        mode="json", exclude_defaults=True
    )
    data["horizon"] = horizon
    data["attributes"] = {"frail": {"dist": "bernoulli", "p": 0.3}}
    plain = cp.load(data)
    return {"without by": plain, "by: [frail]": plain.with_changes({"results.by": ["frail"]})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--horizon", type=float, default=26.0)
    args = parser.parse_args()
    cases = scenarios(args.horizon)
    reps = args.replications
    best: dict[tuple[str, str], float] = {}
    for _ in range(args.repeats):
        for name, sc in cases.items():
            t = time.perf_counter()
            cp.run(sc, replications=reps, threads=1, variants=["baseline"])
            run = time.perf_counter() - t
            runner = _core.Runner(compile_scenario(sc, {}))
            t = time.perf_counter()
            runner.run_detailed(reps, 1, 1)
            engine = time.perf_counter() - t
            for key, value in (((name, "cp.run"), run), ((name, "engine"), engine)):
                best[key] = min(best.get(key, float("inf")), value)
    print(
        f"ed_small, horizon {args.horizon}, {reps} replications, 1 thread, best of {args.repeats}"
    )
    for how in ("cp.run", "engine"):
        base = best[("without by", how)]
        for name in cases:
            ms = best[(name, how)] / reps * 1e3
            ratio = best[(name, how)] / base
            print(f"  {how:7s} {name:12s} {ms:.4f} ms a replication  ratio {ratio:.3f}")


if __name__ == "__main__":
    main()
