"""``carepath fit``: from an event log to a scenario, validated against the log."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .exit_codes import EXIT_OK, EXIT_TARGETS


def add_parser(sub: Any) -> None:
    fit = sub.add_parser(
        "fit",
        help="fit a scenario to an event log (CSV or Parquet) and check it against the log",
        description="Fit arrivals, routing, service times and capacities to LOG (one row per "
        "activity instance: case, activity, start, end; optionally arrival and resource), "
        "write the scenario to --out, and (unless --no-validate) simulate it over the log's "
        "span and compare each activity's mean wait and service and the mean time in system "
        "with the log's.  Exit 0 when every KPI is within --tolerance, 3 when not.",
    )
    fit.add_argument(
        "log",
        metavar="LOG",
        help="a CSV, Parquet or XES file, or a built-in scenario whose log carepath ships "
        "(stroke-capacity)",
    )
    fit.add_argument("-o", "--out", metavar="FILE.yaml", help="write the fitted scenario here")
    fit.add_argument(
        "--report",
        metavar="FILE.html",
        help="write the fit report here (default: fit-report.html beside --out)",
    )
    for key in ("case", "activity", "start", "end", "arrival", "resource"):
        fit.add_argument(f"--{key}", metavar="COLUMN", help=f"the log's {key} column")
    fit.add_argument(
        "--time-unit",
        choices=("minutes", "hours", "days"),
        help="the scenario's unit, and numeric times' (default: carepath's own log's, else hours)",
    )
    fit.add_argument("--name", default="fitted", help="the scenario's name")
    fit.add_argument("--no-validate", action="store_true", help="fit only")
    fit.add_argument("--tolerance", type=float, default=0.1, help="relative (default 0.1)")
    fit.add_argument("-n", "--replications", type=int, default=20)
    fit.add_argument("--seed", type=int, default=1)


def fit_command(args: argparse.Namespace) -> int:
    from ..analysis.fitting import fit

    columns = {
        key: getattr(args, key)
        for key in ("case", "activity", "start", "end", "arrival", "resource")
        if getattr(args, key)
    }
    result = fit(
        args.log,
        **columns,
        time_unit=args.time_unit,
        name=args.name,
        validate=not args.no_validate,
        tolerance=args.tolerance,
        replications=args.replications,
        seed=args.seed,
        progress=sys.stderr.isatty(),
    )
    print(result.fitted.to_string(index=False))
    if args.out:
        result.write(args.out)
        print(f"wrote {args.out}")
    report = args.report or (str(Path(args.out).with_name("fit-report.html")) if args.out else None)
    if report:
        from ..outputs.fit_report import write_fit_report

        write_fit_report(result, report)
        print(f"wrote {report}")
    if result.validation is None:
        return EXIT_OK
    print()
    print(result.validation.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if result.distances is not None:
        print()
        print(result.distances.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    met = int(result.validation["within"].sum())
    print(f"carepath fit: {met} of {len(result.validation)} KPIs within {args.tolerance:g}")
    return EXIT_OK if result.passed else EXIT_TARGETS
