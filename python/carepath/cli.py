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
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .cli_analysis import (
    add_parsers,
    add_precision_options,
    precision_arguments,
    precision_text,
    select_command,
    warmup_command,
)
from .errors import CarepathError, ScenarioError, SimulationError
from .scenario import builtin_ids, builtin_text, load
from .scenario.loading import copy_builtin, parse_yaml
from .sweep.shards import IncompleteSweep
from .text_tables import metric_tables, target_text

if TYPE_CHECKING:
    from .results import Results
    from .scenario import Scenario

EXIT_OK, EXIT_ENGINE, EXIT_USAGE, EXIT_TARGETS, EXIT_INCOMPLETE, EXIT_IO = 0, 1, 2, 3, 4, 5
EXIT_BUG, EXIT_INTERRUPTED = 70, 130


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
    parser.add_argument("--version", action="version", version=f"carepath {__version__}")
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

    add_parsers(sub, options)

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


def _changes(items: list[str]) -> dict[str, object]:
    """``--set PATH=VALUE`` options as dotted-path changes, values read as YAML."""
    out: dict[str, object] = {}
    for item in items:
        path, sep, text = item.partition("=")
        if not sep or not path.strip():
            raise ScenarioError("--set", f"expected PATH=VALUE, got {item!r}")
        out[path.strip()] = parse_yaml(text, f"--set {path.strip()}")
    return out


def _scenario(args: argparse.Namespace) -> Scenario:
    """SCENARIO with its --set and --horizon changes."""
    sc = load(args.scenario)
    changes = _changes(args.changes)
    if args.horizon is not None:
        changes["horizon"] = _number_or_text(args.horizon)
    return sc.with_changes(changes) if changes else sc


def _results(args: argparse.Namespace, sc: Scenario | None = None) -> Results:
    from .run import run

    return run(
        sc if sc is not None else _scenario(args),
        replications=args.replications,
        seed=args.seed,
        threads=args.threads,
        variants=args.variants,
        progress=not args.quiet and sys.stderr.isatty(),
        **precision_arguments(args),
    )


def _run(args: argparse.Namespace) -> int:
    res = _results(args)
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


def _number_or_text(value: str | None) -> float | str | None:
    try:
        return None if value is None else float(value)
    except ValueError:
        return value


def _scenarios(args: argparse.Namespace) -> int:
    if args.action == "list":
        rows = []
        for sid in builtin_ids():
            data = parse_yaml(builtin_text(sid), f"{sid}.yaml")
            rows.append((sid, data.get("description", ""), data.get("source", {}).get("title", "")))
        widths = [max(len(r[i]) for r in [("id", "description", ""), *rows]) for i in (0, 1)]
        for sid, description, title in [("id", "description", "source"), *rows]:
            print(f"{sid:<{widths[0]}}  {description:<{widths[1]}}  {title}".rstrip())
    elif args.action == "show":
        print(builtin_text(args.id), end="")
    elif args.action == "copy":
        dest = copy_builtin(args.id, args.dest, overwrite=args.force)
        print(f"wrote {dest}; run it with: carepath run {dest}")
    else:
        from .run import check_outputs

        sc = load(args.file)
        check_outputs(sc)
        print(
            f"{args.file}: valid ({len(sc.pathway)} steps, variants: {', '.join(sc.variant_names)})"
        )
    return EXIT_OK


def _write_figures(res: Results, folder: str, fmt: str = "png") -> None:
    from .io import atomic_path
    from .plots import figures

    for name, fig in figures(res):
        path = Path(folder) / f"{name}.{fmt}"
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, dpi=120)
        print(f"wrote {path}")


def _plot(args: argparse.Namespace) -> int:
    _write_figures(_results(args), args.out, args.format)
    return EXIT_OK


def _sweep_folder(args: argparse.Namespace) -> int:
    """carepath sweep status DIR, carepath sweep gather DIR [--out FILE]."""
    from .sweep import gather, status

    action = args.target[0]
    if len(args.target) != 2:
        raise ScenarioError(
            f"sweep {action}", f"give the sweep's folder: carepath sweep {action} DIR"
        )
    if action == "gather":
        print(f"wrote {gather(args.target[1], args.out)}")
        return EXIT_OK
    progress = status(args.target[1])
    shards = progress.pop("shards")
    for key, value in progress.items():
        print(f"{key:<13} {value}")
    if shards:
        import pandas as pd

        print("\n" + pd.DataFrame(shards).to_string(index=False))
    return EXIT_OK


def _sweep_array(args: argparse.Namespace, cluster: dict[str, object]) -> int:
    """carepath sweep array SWEEP.yaml --out DIR --tasks N --scheduler slurm|pbs."""
    from .sweep.arrays import submit, write_scripts

    if len(args.target) != 2 or args.out is None or args.tasks is None or not args.scheduler:
        raise ScenarioError(
            "sweep array",
            "usage: carepath sweep array SWEEP.yaml --out DIR --tasks N --scheduler slurm|pbs",
        )
    _sweep_spec(args.target[1])  # a bad sweep file fails here, not in every task
    job = write_scripts(args.target[1], args.out, args.tasks, args.scheduler, cluster)
    if args.dry_run:
        for path in (job.array, job.gather):
            print(f"# {path}\n{path.read_text()}")
        for command in job.submit_commands():
            print(" ".join(command))
        return EXIT_OK
    array_id, gather_id = submit(job)
    print(
        f"submitted array {array_id} ({args.tasks} tasks) and gather job {gather_id}; "
        f"follow it with: carepath sweep status {args.out}"
    )
    return EXIT_OK


def _sweep_spec(path: str) -> dict[str, object]:
    """A sweep file, checked: scenario, params, design, n, replications, seed, variants."""
    spec = parse_yaml(Path(path).read_text(), path)
    if not isinstance(spec, dict):
        raise ScenarioError("sweep", f"{path} must be a mapping")
    allowed = {"scenario", "params", "design", "n", "replications", "seed", "variants"}
    for key in spec:
        if key not in allowed:
            raise ScenarioError(key, f"unknown sweep key; use {', '.join(sorted(allowed))}")
    if "scenario" not in spec or "params" not in spec:
        raise ScenarioError("sweep", "SWEEP.yaml needs 'scenario' and 'params'")
    beside = Path(path).parent / str(spec["scenario"])
    if beside.is_file():  # a scenario file next to the sweep file
        spec["scenario"] = str(beside)
    return spec


def _sweep(args: argparse.Namespace) -> int:
    from .sweep import sweep

    if args.target[0] in ("status", "gather"):
        return _sweep_folder(args)
    cluster = {
        key: getattr(args, key)
        for key in ("jobs", "cores", "memory", "walltime", "queue", "account")
        if getattr(args, key) is not None
    }
    if args.target[0] == "array":
        return _sweep_array(args, cluster)
    if args.dry_run:
        if args.executor not in ("slurm", "pbs"):
            raise ScenarioError(
                "--dry-run", "prints a batch job script: use --executor slurm or pbs"
            )
        from .sweep import job_script

        print(job_script(args.executor, cluster), end="")
        return EXIT_OK
    if len(args.target) != 1 or args.out is None:
        raise ScenarioError("sweep", "usage: carepath sweep SWEEP.yaml --out DIR")
    spec = _sweep_spec(args.target[0])
    result = sweep(
        spec["scenario"],
        spec["params"],
        design=spec.get("design", "grid"),
        n=spec.get("n"),
        replications=spec.get("replications"),
        seed=spec.get("seed"),
        variants=spec.get("variants"),
        executor=args.executor,
        workers=args.workers,
        address=args.address,
        out=args.out,
        progress=not args.quiet and sys.stderr.isatty() and args.executor != "mpi",
        cluster=cluster,
        shard=args.shard,
        restart=args.restart,
    )
    what = (
        f"shard {args.shard} of {len(result.points)} points"
        if args.shard
        else (f"{len(result.points)} points")
    )
    print(f"{what} done; results in {args.out}/parts")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from .check import ScenarioCheck, check_scenarios, json_records, junit_xml, scenario_sources

    if args.variants:
        raise ScenarioError("--variant", "check runs every variant its targets name")
    changes = _changes(args.changes)
    if args.horizon is not None:
        changes["horizon"] = _number_or_text(args.horizon)

    def show(check: ScenarioCheck) -> None:
        if not args.json:
            print(f"{check.source}: error: {check.error}\n" if check.error else f"{check.text}\n")

    checks = list(
        check_scenarios(
            scenario_sources(args.sources),
            on_done=show,
            replications=args.replications,
            seed=args.seed,
            threads=args.threads,
            changes=changes,
        )
    )
    if args.junit_xml:
        from .io import atomic_path

        with atomic_path(args.junit_xml) as tmp:
            tmp.write_text(junit_xml(checks), encoding="utf-8")
    errors = [c for c in checks if c.error is not None]
    failed = [c for c in checks if c.error is None and not c.passed]
    if args.json:
        print(json.dumps(json_records(checks), indent=1, default=str))
    else:
        targets = sum(int((c.table["kind"] != "report").sum()) for c in checks if len(c.table))
        missed = sum(len(c.failed) for c in checks)
        print(
            f"carepath check: {len(checks)} scenarios, {targets - missed} of {targets} "
            f"targets met, {len(errors)} could not run"
        )
    if errors:
        return EXIT_USAGE
    return EXIT_TARGETS if failed else EXIT_OK


def _calibrate(args: argparse.Namespace) -> int:
    from .sweep import abc, calibrate

    spec = parse_yaml(Path(args.file).read_text(), args.file)
    allowed = {"scenario", "targets", "params", "replications", "seed", "method"}
    allowed |= {"particles", "generations", "variant"}
    if not isinstance(spec, dict) or not {"scenario", "targets", "params"} <= set(spec):
        raise ScenarioError("calibrate", f"{args.file} needs scenario, targets and params")
    for key in spec:
        if key not in allowed:
            raise ScenarioError(key, f"unknown calibration key; use {', '.join(sorted(allowed))}")
    params = {path: tuple(bounds) for path, bounds in spec["params"].items()}
    common = {
        "replications": spec.get("replications"),
        "seed": spec.get("seed"),
        "variant": spec.get("variant", "baseline"),
    }
    if spec.get("method", "optimise") == "abc":
        post = abc(
            spec["scenario"],
            spec["targets"],
            params,
            particles=spec.get("particles", 100),
            generations=spec.get("generations", 4),
            executor=args.executor,
            workers=args.workers,
            **common,
        )
        print(f"tolerances by generation: {', '.join(f'{t:.4g}' for t in post.tolerances)}")
        for name, value in post.mean().items():
            sd = post.particles[name].std()
            print(f"{name}: posterior mean {value:.6g}, sd {sd:.3g}")
        return EXIT_OK
    best = calibrate(spec["scenario"], spec["targets"], params, **common)
    for name, value in best.params.items():
        print(f"{name}: {value:.6g}")
    for metric, value in best.metrics.items():
        print(f"  {metric}: {value:.6g} (target {spec['targets'][metric]:.6g})")
    print(f"distance {best.distance:.3g} after {len(best.history)} runs")
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from .report import write_report

    sc = _scenario(args)
    res = _results(args, sc)
    write_report(res, sc, args.out)
    print(f"wrote {args.out}")
    if args.figures:
        _write_figures(res, args.figures)
    return EXIT_OK


def _warn(message: Warning | str, category: type[Warning], *_: object, **__: object) -> None:
    print(f"carepath: warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``carepath`` command; returns the exit code."""
    import warnings

    parser = _build_parser()
    args = parser.parse_args(argv)
    warnings.showwarning = _warn  # one line each, not the source line that raised it
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "plot":
            return _plot(args)
        if args.command == "report":
            return _report(args)
        if args.command == "sweep":
            return _sweep(args)
        if args.command == "calibrate":
            return _calibrate(args)
        if args.command == "check":
            return _check(args)
        if args.command == "warmup":
            return warmup_command(args, _scenario(args))
        if args.command == "select":
            return select_command(args)
        if args.command == "schema":
            from .schema import schema_text

            print(schema_text(), end="")
            return EXIT_OK
        return _scenarios(args)
    except ScenarioError as err:
        print(f"carepath: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except SimulationError as err:
        print(f"carepath: simulation stopped: {err}", file=sys.stderr)
        return EXIT_ENGINE
    except IncompleteSweep as err:
        print(f"carepath: incomplete sweep: {err}", file=sys.stderr)
        return EXIT_INCOMPLETE
    except CarepathError as err:  # a folder that holds another sweep, ...
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
