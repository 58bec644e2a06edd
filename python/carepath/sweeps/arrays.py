"""Job arrays: a sweep as a SLURM or PBS array of shards, then a gather job
that runs when every task has succeeded.  Nothing stays alive on the login
node: each task is ``carepath sweep SWEEP.yaml --out DIR --shard K/N``."""

from __future__ import annotations

import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ScenarioError
from ..io import atomic_path

SCHEDULERS = ("slurm", "pbs")


@dataclass
class ArrayJob:
    """The two scripts of an array sweep and where they are."""

    array: Path
    gather: Path
    scheduler: str
    tasks: int

    def submit_commands(self, array_id: str = "$ARRAY_ID") -> list[list[str]]:
        """The commands that submit the array, then the gather job after it."""
        if self.scheduler == "slurm":
            return [
                ["sbatch", "--parsable", str(self.array)],
                ["sbatch", "--parsable", f"--dependency=afterok:{array_id}", str(self.gather)],
            ]
        return [
            ["qsub", str(self.array)],
            ["qsub", "-W", f"depend=afterok:{array_id}", str(self.gather)],
        ]


def _slurm_memory(memory: str) -> str:
    # sbatch takes 16G, not 16GB
    return memory[:-1] if memory.upper().endswith(("KB", "MB", "GB", "TB")) else memory


def _header(scheduler: str, name: str, options: dict[str, Any], log: Path, array: str) -> list[str]:
    cores = int(options.get("cores") or 1)
    if scheduler == "slurm":
        lines = [f"#SBATCH --job-name={name}", f"#SBATCH --output={log}"]
        if array:
            lines.append(f"#SBATCH --array={array}")
        lines.append(f"#SBATCH --cpus-per-task={cores}")
        if options.get("memory"):
            lines.append(f"#SBATCH --mem={_slurm_memory(str(options['memory']))}")
        if options.get("walltime"):
            lines.append(f"#SBATCH --time={options['walltime']}")
        if options.get("queue"):
            lines.append(f"#SBATCH --partition={options['queue']}")
        if options.get("account"):
            lines.append(f"#SBATCH --account={options['account']}")
        return lines
    select = f"select=1:ncpus={cores}"
    if options.get("memory"):
        select += f":mem={str(options['memory']).lower()}"
    lines = [f"#PBS -N {name}", f"#PBS -l {select}", "#PBS -j oe", f"#PBS -o {log}"]
    if array:
        lines.append(f"#PBS -J {array}")
    if options.get("walltime"):
        lines.append(f"#PBS -l walltime={options['walltime']}")
    if options.get("queue"):
        lines.append(f"#PBS -q {options['queue']}")
    if options.get("account"):
        lines.append(f"#PBS -A {options['account']}")
    return lines


def write_scripts(
    sweep_file: str | Path, out: str | Path, tasks: int, scheduler: str, options: dict[str, Any]
) -> ArrayJob:
    """Write ``out/jobs/array.sh`` (task K runs shard K of ``tasks`` with the
    engine on its cores) and ``out/jobs/gather.sh``.

    Raises
    ------
    ScenarioError
        For a scheduler other than slurm or pbs, or fewer than one task.
    """
    if scheduler not in SCHEDULERS:
        raise ScenarioError("--scheduler", f"must be slurm or pbs, got {scheduler!r}")
    if tasks < 1:
        raise ScenarioError("--tasks", f"must be >= 1, got {tasks}")
    sweep_path = Path(sweep_file).resolve()
    if not sweep_path.is_file():
        raise ScenarioError("sweep", f"no sweep file {sweep_file}")
    folder = Path(out).resolve()
    jobs, logs = folder / "jobs", folder / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    cores = int(options.get("cores") or 1)
    index = "$SLURM_ARRAY_TASK_ID" if scheduler == "slurm" else "$PBS_ARRAY_INDEX"
    # PBS names each subjob's log itself when given a folder
    task_log = logs / "shard-%a.out" if scheduler == "slurm" else logs
    # the same Python as now, so the jobs use this installation of carepath
    python = shlex.quote(sys.executable)
    run = (
        f"exec {python} -m carepath sweep {shlex.quote(str(sweep_path))} "
        f"--out {shlex.quote(str(folder))} --shard {index}/{tasks} "
        f"--executor serial --workers {cores} --quiet"
    )
    gather = (
        f"exec {python} -m carepath sweep gather {shlex.quote(str(folder))} "
        f"--out {shlex.quote(str(folder / 'results.parquet'))}"
    )
    name = f"carepath-{sweep_path.stem}"
    array_lines = _header(scheduler, name, options, task_log, f"0-{tasks - 1}")
    gather_lines = _header(
        scheduler, f"{name}-gather", {**options, "cores": 1}, logs / "gather.out", ""
    )
    job = ArrayJob(jobs / "array.sh", jobs / "gather.sh", scheduler, tasks)
    for path, header, command in (
        (job.array, array_lines, run),
        (job.gather, gather_lines, gather),
    ):
        with atomic_path(path) as tmp:
            tmp.write_text("\n".join(["#!/bin/bash", *header, "set -eu", command, ""]))
            tmp.chmod(0o755)
    return job


def submit(job: ArrayJob) -> tuple[str, str]:
    """Submit the array, then the gather job depending on it; the two job ids.

    Raises
    ------
    OSError
        If sbatch or qsub is missing or refuses the job (its message).
    """
    array_id = _submit(job.submit_commands()[0])
    return array_id, _submit(job.submit_commands(array_id)[1])


def _submit(command: list[str]) -> str:
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except FileNotFoundError:
        raise OSError(f"{command[0]} not found: submit from a node of the cluster") from None
    if proc.returncode != 0:
        raise OSError(f"{' '.join(command)}: {proc.stderr.strip() or proc.stdout.strip()}")
    # sbatch --parsable prints "id" or "id;cluster"; qsub prints the id
    return proc.stdout.strip().split(";")[0]
