"""The ``carepath`` command line.

Exit codes: 0 success; 2 bad scenario or option (one message on stderr naming
the field); 1 the engine stopped the run; 130 interrupted by Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

import pandas as pd

from . import __version__
from .errors import ScenarioError, SimulationError
from .results import Results
from .scenario import builtin_ids, builtin_text, load
from .scenario.loading import parse_yaml

EXIT_OK, EXIT_ENGINE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="carepath",
        description="Simulate NHS patient pathways: run a scenario's baseline and variants "
        "with common random numbers and report waits, utilisation and outcomes with "
        "95%% confidence intervals.",
        epilog="Exit codes: 0 success, 1 the engine stopped the run, 2 bad scenario or "
        "option, 130 interrupted (Ctrl-C).",
    )
    parser.add_argument("--version", action="version", version=f"carepath {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser(
        "run",
        help="run a scenario and print its results",
        description="Run every variant of SCENARIO (baseline first) with the same seed, "
        "so that they see the same patients, and print the mean of each metric with its "
        "95%% confidence interval, then each variant's paired difference from the baseline.",
    )
    run.add_argument(
        "scenario",
        metavar="SCENARIO",
        help="a built-in scenario id "
        f"({', '.join(builtin_ids())}) or a path to a scenario YAML file",
    )
    run.add_argument(
        "-n",
        "--replications",
        type=int,
        metavar="N",
        help="replications per variant (default: the scenario's 'replications')",
    )
    run.add_argument(
        "--seed",
        type=int,
        metavar="S",
        help="root random seed, 0 <= S < 2**64 (default: the scenario's 'seed'); "
        "the same seed gives the same numbers on any number of threads",
    )
    run.add_argument(
        "--threads",
        type=int,
        default=0,
        metavar="T",
        help="worker threads; 0 (default) uses every core",
    )
    run.add_argument(
        "--variant",
        action="append",
        dest="variants",
        metavar="NAME",
        help="run only this variant (repeat for several; 'baseline' is the "
        "unpatched scenario); default: all",
    )
    run.add_argument(
        "--json",
        action="store_true",
        help="print the summary as JSON records (variant, metric, mean, sd, "
        "ci_low, ci_high, n) instead of tables",
    )
    run.add_argument(
        "--out",
        metavar="FILE.parquet",
        help="also write one row per (variant, replication) to this Parquet "
        "file, atomically (no partial file on error or Ctrl-C)",
    )

    scenarios = sub.add_parser(
        "scenarios",
        help="list, show or validate scenarios",
        description="Work with the built-in scenario library and your own scenario files.",
    )
    ssub = scenarios.add_subparsers(dest="action", metavar="ACTION", required=True)
    ssub.add_parser(
        "list",
        help="list the built-in scenarios",
        description="List the built-in scenarios: id and description.",
    )
    show = ssub.add_parser(
        "show",
        help="print a built-in scenario's YAML",
        description="Print a built-in scenario's YAML, to read or to copy.",
    )
    show.add_argument("id", metavar="ID", help="a built-in scenario id")
    validate = ssub.add_parser(
        "validate",
        help="check a scenario file",
        description="Validate a scenario file and its variants; exit 0 "
        "if valid, 2 with the field named if not.",
    )
    validate.add_argument("file", metavar="FILE", help="a scenario YAML file")
    return parser


def _fmt(x: float) -> str:
    if pd.isna(x):
        return "-"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def _tables(res: Results) -> str:
    summary = res.summary()
    cells = summary.assign(
        value=[
            f"{_fmt(m)} [{_fmt(lo)}, {_fmt(hi)}]"
            for m, lo, hi in zip(summary["mean"], summary["ci_low"], summary["ci_high"])
        ]
    )
    table = cells.pivot(index="metric", columns="variant", values="value")
    table = table.reindex(index=res.metrics, columns=res.variants)
    n = int(res.per_replication.groupby("variant").size().min())
    out = [
        f"{res.scenario}: mean [95% CI] over {n} replications, seed {res.seed} "
        f"(times in {res.time_unit})",
        table.to_string(),
    ]
    for variant in res.variants[1:]:
        cmp = res.compare(res.variants[0], variant)
        shown = pd.DataFrame(
            {
                "metric": cmp["metric"],
                "difference": [
                    f"{_fmt(d)} [{_fmt(lo)}, {_fmt(hi)}]"
                    for d, lo, hi in zip(cmp["diff"], cmp["ci_low"], cmp["ci_high"])
                ],
                "change": [f"{r:+.1%}" if pd.notna(r) else "-" for r in cmp["rel_change"]],
            }
        ).set_index("metric")
        out += [
            "",
            f"{variant} - {res.variants[0]} (paired, common random numbers)",
            shown.to_string(),
        ]
    return "\n".join(out)


def _run(args: argparse.Namespace) -> int:
    from .run import run

    res = run(
        args.scenario,
        replications=args.replications,
        seed=args.seed,
        threads=args.threads,
        variants=args.variants,
    )
    if args.out:
        res.to_parquet(args.out)
    if args.json:
        print(json.dumps(json.loads(res.summary().to_json(orient="records")), indent=1))
    else:
        print(_tables(res))
    return EXIT_OK


def _scenarios(args: argparse.Namespace) -> int:
    if args.action == "list":
        for sid in builtin_ids():
            data = parse_yaml(builtin_text(sid), f"{sid}.yaml")
            print(f"{sid:<24} {data.get('description', '')}")
    elif args.action == "show":
        print(builtin_text(args.id), end="")
    else:
        sc = load(args.file)
        for name in sc.variants:
            sc.variant(name)
        print(
            f"{args.file}: valid ({len(sc.pathway)} steps, variants: {', '.join(sc.variant_names)})"
        )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``carepath`` command; returns the exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        return _scenarios(args)
    except ScenarioError as err:
        print(f"carepath: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except SimulationError as err:
        print(f"carepath: simulation stopped: {err}", file=sys.stderr)
        return EXIT_ENGINE
    except KeyboardInterrupt:
        print("carepath: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. piped into head
        return EXIT_OK
