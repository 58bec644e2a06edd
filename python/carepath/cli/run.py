"""``carepath run``, ``plot`` and ``report``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from .common import results_of, scenario_of
from .exit_codes import EXIT_OK
from .precision import precision_text

if TYPE_CHECKING:
    from ..results.results import Results


def run_command(args: argparse.Namespace) -> int:
    from ..outputs.text_tables import metric_tables, target_text

    res = results_of(args)
    if args.out:
        res.to_parquet(args.out)
    if args.json:
        print(json.dumps(json.loads(res.summary().to_json(orient="records")), indent=1))
    elif res.target_specs and not args.all:
        print(target_text(res))
    else:
        print(metric_tables(res))
    if res.replication_report is not None and not args.json:
        print("\n" + precision_text(res.replication_report))
    return EXIT_OK


def write_figures(res: Results, folder: str, fmt: str = "png") -> None:
    from ..io import atomic_path
    from ..outputs.plots import figures

    for name, fig in figures(res):
        path = Path(folder) / f"{name}.{fmt}"
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, dpi=120)
        print(f"wrote {path}")


def plot_command(args: argparse.Namespace) -> int:
    write_figures(results_of(args), args.out, args.format)
    return EXIT_OK


def report_command(args: argparse.Namespace) -> int:
    from ..outputs.report import write_report

    sc = scenario_of(args)
    res = results_of(args, sc)
    write_report(res, sc, args.out)
    print(f"wrote {args.out}")
    if args.figures:
        write_figures(res, args.figures)
    return EXIT_OK
