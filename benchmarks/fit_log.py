"""Fitting a large event log: docs/examples/fit/ed.yaml run for long enough
to write about 10^6 activity rows (as a hospital extract would have them:
one row an activity), then `cp.fit` without and with validation (20
replications), timed in one process.

    python benchmarks/fit_log.py [--weeks 430]
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import pandas as pd

import carepath as cp
from carepath.analysis.log_input import carepath_log

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=430)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    sc = cp.load(ROOT / "docs" / "examples" / "fit" / "ed.yaml")
    changes = {"horizon": f"{args.weeks} weeks", "results.event_log": {"max_events": 10**9}}
    events = cp.run(sc, replications=1, seed=1, changes=changes).event_log
    log = carepath_log(events).drop(columns=["resource"])
    print(f"{len(log):,} activity rows, {log['case'].nunique():,} cases")
    for validate in (False, True):
        start = time.perf_counter()
        result = cp.fit(log, time_unit="minutes", validate=validate, replications=20)
        seconds = time.perf_counter() - start
        what = "fit and validate (20 replications)" if validate else "fit only"
        print(f"{what:>36}: {seconds:6.1f} s")
    assert isinstance(result.fitted, pd.DataFrame)


if __name__ == "__main__":
    main()
