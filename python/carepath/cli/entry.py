"""The ``carepath`` command line.

Exit codes: 0 success; 1 the engine stopped the run; 2 bad scenario, option,
file or folder, or a missing optional extra (one message on stderr naming the
field); 3 (``check``) a target not met; 4 (``sweep gather``) points missing;
5 a file could not be read or written (disk full, permission denied); 70 an
internal error (a bug: please report it); 130 interrupted by Ctrl-C.  Every
failure is one line on stderr, never a traceback (``CAREPATH_DEBUG=1`` shows
the traceback of an internal error).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from ..errors import CarepathError, ScenarioError, SimulationError
from ..scenarios import builtin_ids
from . import analysis, check, fit, present, run, scenarios, sweep
from .common import scenario_of
from .exit_codes import (
    EXIT_BUG,
    EXIT_ENGINE,
    EXIT_INCOMPLETE,
    EXIT_INTERRUPTED,
    EXIT_IO,
    EXIT_OK,
    EXIT_USAGE,
)
from .precision import add_precision_options


class _Version(argparse.Action):
    """--version: the installed version, looked up only when asked for."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(
            option_strings, dest, nargs=0, help="show program's version number and exit"
        )

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from .. import __version__

        print(f"carepath {__version__}")  # on stdout, as argparse's own version action
        parser.exit()


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="carepath",
        description="Simulate NHS patient pathways: run a scenario's baseline and variants "
        "with common random numbers and report waits, utilisation and outcomes with "
        "95% confidence intervals.",
        epilog="Exit codes: 0 success, 1 the engine stopped the run, 2 bad scenario or "
        "option or file or a missing extra, 3 a target not met (check), 4 points missing "
        "(sweep gather), 5 a file could not be read or written, 70 an internal error, 130 "
        "interrupted (Ctrl-C).",
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    # the options that say how to run a scenario, shared by run, plot, report and check
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "-n",
        "--replications",
        type=int,
        metavar="N",
        help="replications per variant (default: the scenario's 'replications')",
    )
    options.add_argument(
        "--seed",
        type=int,
        metavar="S",
        help="root random seed, 0 <= S < 2**64 (default: the scenario's 'seed'); "
        "the same seed gives the same numbers on any number of threads",
    )
    options.add_argument(
        "--threads",
        type=int,
        default=0,
        metavar="T",
        help="worker threads; 0 (default) uses every core",
    )
    options.add_argument(
        "--variant",
        action="append",
        dest="variants",
        metavar="NAME",
        help="run only this variant (repeat for several; 'baseline' is the "
        "unpatched scenario); default: all",
    )
    options.add_argument(
        "--horizon",
        metavar="H",
        help="simulated time to run: a number of time units or a duration such "
        "as '26 weeks' (default: the scenario's 'horizon')",
    )
    options.add_argument(
        "--set",
        action="append",
        dest="changes",
        default=[],
        metavar="PATH=VALUE",
        help="change a parameter by dotted path, e.g. --set resources.gp.capacity=6 "
        "or --set 'arrivals[0].rate=4.5' (repeat for several; VALUE is read as YAML)",
    )
    options.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar (it shows on stderr, when that is a terminal, "
        "for runs longer than two seconds)",
    )
    common = argparse.ArgumentParser(add_help=False, parents=[options])
    common.add_argument(
        "scenario",
        metavar="SCENARIO",
        help="a built-in scenario id "
        f"({', '.join(builtin_ids())}) or a path to a scenario YAML file",
    )
    run = sub.add_parser(
        "run",
        parents=[common],
        help="run a scenario and print its results",
        description="Run every variant of SCENARIO (baseline first) with the same seed, "
        "so that they see the same patients, and print the mean of each metric with its "
        "95% confidence interval, then each variant's paired difference from the baseline.",
    )
    run.add_argument(
        "--all",
        action="store_true",
        help="print every metric and paired difference, not only the scenario's targets",
    )
    add_precision_options(run)
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

    plot = sub.add_parser(
        "plot",
        parents=[common],
        help="run a scenario and write its plots",
        description="Run SCENARIO as 'run' does and write its figures to DIR: a forest "
        "plot of each variant's paired changes, the waits at each seize step and book "
        "step, and each time series when the scenario asks for them (results.series).",
    )
    plot.add_argument("--out", required=True, metavar="DIR", help="folder for the figures")
    plot.add_argument(
        "--format", default="png", choices=("png", "svg", "pdf"), help="image format (png)"
    )

    report = sub.add_parser(
        "report",
        parents=[common],
        help="run a scenario and write a self-contained HTML report",
        description="Run SCENARIO as 'run' does and write one HTML page: the published "
        "figures against the model, the figures, every metric with its 95% CI, the "
        "scenario's inputs and sources, and the seed and versions to reproduce it.",
    )
    report.add_argument("--out", required=True, metavar="FILE.html", help="the report to write")
    report.add_argument(
        "--figures", metavar="DIR", help="also write each figure as a PNG file in DIR"
    )

    check = sub.add_parser(
        "check",
        parents=[options],
        help="run scenarios and fail when a published figure is not met (for CI)",
        description="Run each scenario as 'run' does and check its targets: exit 0 when "
        "every target is met, 3 when any is not, 2 when a scenario cannot be loaded or "
        "run.  SCENARIO_OR_DIR: built-in ids, scenario files, or folders (every *.yaml "
        "under them).",
    )
    check.add_argument("sources", nargs="+", metavar="SCENARIO_OR_DIR")
    check.add_argument(
        "--junit-xml",
        metavar="FILE",
        help="also write JUnit XML (a testsuite per scenario, a testcase per target) for "
        "CI test reporters, atomically",
    )
    check.add_argument(
        "--json", action="store_true", help="print the outcome as JSON instead of tables"
    )

    sub.add_parser(
        "schema",
        help="print the JSON Schema of the scenario format",
        description="Print the JSON Schema of scenario files (generated from carepath's "
        "models).  'carepath scenarios copy' points editors at the installed copy.",
    )

    sweep = sub.add_parser(
        "sweep",
        help="run a parameter sweep (or a shard of it, or a job array), show how far one "
        "has got, gather it",
        description="carepath sweep SWEEP.yaml --out DIR runs the sweep that SWEEP.yaml "
        "describes (scenario, params, design, n, replications, seed, variants), writing "
        "each finished chunk of points to DIR at once; run it again after an interruption "
        "and it goes on from where it stopped.  With --shard K/N it runs only shard K of N "
        "(any number may run at once into DIR).  carepath sweep array SWEEP.yaml --out DIR "
        "--tasks N --scheduler slurm|pbs submits the shards as a job array and a gather job "
        "after it.  carepath sweep status DIR shows how far it has got; carepath sweep "
        "gather DIR checks every point is there and writes them as one table.",
    )
    sweep.add_argument(
        "target", nargs="+", metavar="SWEEP.yaml | status DIR | gather DIR | array SWEEP.yaml"
    )
    sweep.add_argument("--shard", metavar="K/N", help="run only shard K (from 0) of N")
    sweep.add_argument(
        "--restart",
        action="store_true",
        help="delete what --out holds first (a damaged manifest, another sweep) and start over",
    )
    sweep.add_argument("--tasks", type=int, metavar="N", help="array: how many tasks (shards)")
    sweep.add_argument("--scheduler", choices=("slurm", "pbs"), help="array: the batch system")
    sweep.add_argument("--out", metavar="DIR", help="the sweep's folder (required to run)")
    sweep.add_argument(
        "--executor",
        default="local",
        choices=("local", "serial", "dask", "slurm", "pbs", "mpi"),
        help="local: a process pool (default); serial: this process; dask: a Dask cluster; "
        "slurm, pbs: batch jobs through dask-jobqueue; mpi: every rank under mpirun",
    )
    for flag, meta, text in (
        ("--jobs", "N", "slurm/pbs: batch jobs to start (default 1)"),
        ("--cores", "C", "slurm/pbs and array: cores a job or task (default 1)"),
        ("--memory", "MEM", "slurm/pbs and array: memory a job or task, e.g. 16GB"),
        ("--walltime", "HH:MM:SS", "slurm/pbs and array: time limit a job or task"),
        ("--queue", "Q", "slurm/pbs and array: partition or queue"),
        ("--account", "A", "slurm/pbs and array: account to charge"),
    ):
        sweep.add_argument(flag, metavar=meta, help=text)
    sweep.add_argument(
        "--dry-run",
        action="store_true",
        help="slurm/pbs: print the job script dask-jobqueue would submit, and stop; array: "
        "write and print the scripts and the commands that would submit them",
    )
    sweep.add_argument("--workers", type=int, metavar="N", help="processes (default: every core)")
    sweep.add_argument(
        "--address", metavar="ADDR", help="a running Dask scheduler (tcp://host:8786)"
    )
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")

    calibrate = sub.add_parser(
        "calibrate",
        help="find parameter values that reproduce target metrics",
        description="carepath calibrate CAL.yaml reads scenario, targets (metric: value), "
        "params (path: [low, high]), replications, seed and method (optimise: bounded "
        "Nelder-Mead; abc: an ABC-SMC posterior, with particles and generations) and "
        "prints the result.",
    )
    calibrate.add_argument("file", metavar="CAL.yaml")
    calibrate.add_argument(
        "--executor", default="local", choices=("local", "serial", "dask"), help="for abc"
    )
    calibrate.add_argument("--workers", type=int, metavar="N", help="for abc")

    analysis.add_parsers(sub, options)
    fit.add_parser(sub)
    present.add_parsers(sub)

    scenarios = sub.add_parser(
        "scenarios",
        help="list, show, copy or validate scenarios",
        description="Work with the built-in scenario library and your own scenario files.",
    )
    ssub = scenarios.add_subparsers(dest="action", metavar="ACTION", required=True)
    ssub.add_parser(
        "list",
        help="list the built-in scenarios",
        description="List the built-in scenarios: id, description and source.",
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
    copy = ssub.add_parser(
        "copy",
        help="copy a built-in scenario to a file of your own",
        description="Write a built-in scenario's YAML to DEST, a starting point for your "
        "own model.  An existing DEST is left alone unless --force is given.",
    )
    copy.add_argument("id", metavar="ID", help="a built-in scenario id")
    copy.add_argument("dest", metavar="DEST", help="the file (or folder) to write")
    copy.add_argument("--force", action="store_true", help="overwrite DEST if it exists")
    return parser


def _warn(message: Warning | str, category: type[Warning], *_: object, **__: object) -> None:
    print(f"carepath: warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``carepath`` command; returns the exit code."""
    import warnings

    parser = _build_parser()
    args = parser.parse_args(argv)
    warnings.showwarning = _warn  # one line each, not the source line that raised it
    try:
        commands = {
            "run": run.run_command,
            "plot": run.plot_command,
            "report": run.report_command,
            "sweep": sweep.sweep_command,
            "calibrate": sweep.calibrate_command,
            "check": check.check_command,
            "fit": fit.fit_command,
            "explore": present.explore_command,
            "animate": present.animate_command,
            "select": analysis.select_command,
            "schema": scenarios.schema_command,
            "scenarios": scenarios.scenarios_command,
        }
        if args.command == "warmup":
            return analysis.warmup_command(args, scenario_of(args))
        return commands[args.command](args)
    except ScenarioError as err:
        print(f"carepath: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except SimulationError as err:
        print(f"carepath: simulation stopped: {err}", file=sys.stderr)
        return EXIT_ENGINE
    except CarepathError as err:  # a folder that holds another sweep, ...
        from ..sweeps.shards import IncompleteSweep

        if isinstance(err, IncompleteSweep):
            print(f"carepath: incomplete sweep: {err}", file=sys.stderr)
            return EXIT_INCOMPLETE
        print(f"carepath: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except ImportError as err:  # an optional extra not installed; the message says which
        print(f"carepath: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("carepath: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. piped into head
        return EXIT_OK
    except OSError as err:
        where = f"{err.filename}: " if err.filename else ""
        print(f"carepath: error: {where}{err.strerror or err}", file=sys.stderr)
        return EXIT_IO
    except Exception as err:
        if os.environ.get("CAREPATH_DEBUG"):
            raise
        print(
            f"carepath: internal error: {type(err).__name__}: {err} (a bug: please report it "
            "with the command; CAREPATH_DEBUG=1 shows where)",
            file=sys.stderr,
        )
        return EXIT_BUG
