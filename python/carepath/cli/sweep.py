"""``carepath sweep`` (run, status, gather, array) and ``carepath calibrate``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import ScenarioError
from .common import sweep_spec
from .exit_codes import EXIT_OK


def sweep_folder(args: argparse.Namespace) -> int:
    """carepath sweep status DIR, carepath sweep gather DIR [--out FILE]."""
    from ..sweeps import gather, status

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


def sweep_array(args: argparse.Namespace, cluster: dict[str, object]) -> int:
    """carepath sweep array SWEEP.yaml --out DIR --tasks N --scheduler slurm|pbs."""
    from ..sweeps.arrays import submit, write_scripts

    if len(args.target) != 2 or args.out is None or args.tasks is None or not args.scheduler:
        raise ScenarioError(
            "sweep array",
            "usage: carepath sweep array SWEEP.yaml --out DIR --tasks N --scheduler slurm|pbs",
        )
    sweep_spec(args.target[1])  # a bad sweep file fails here, not in every task
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


def sweep_command(args: argparse.Namespace) -> int:
    from ..sweeps import sweep

    if args.target[0] in ("status", "gather"):
        return sweep_folder(args)
    cluster = {
        key: getattr(args, key)
        for key in ("jobs", "cores", "memory", "walltime", "queue", "account")
        if getattr(args, key) is not None
    }
    if args.target[0] == "array":
        return sweep_array(args, cluster)
    if args.dry_run:
        if args.executor not in ("slurm", "pbs"):
            raise ScenarioError(
                "--dry-run", "prints a batch job script: use --executor slurm or pbs"
            )
        from ..sweeps import job_script

        print(job_script(args.executor, cluster), end="")
        return EXIT_OK
    if len(args.target) != 1 or args.out is None:
        raise ScenarioError("sweep", "usage: carepath sweep SWEEP.yaml --out DIR")
    spec = sweep_spec(args.target[0])
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


def calibrate_command(args: argparse.Namespace) -> int:
    from ..model.loading import parse_yaml
    from ..sweeps import abc, calibrate

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
