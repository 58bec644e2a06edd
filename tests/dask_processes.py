"""A Dask scheduler and workers as separate processes, joined by address, as
on a cluster; started for a test and stopped after it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _scheduler_address(scheduler_file: Path, deadline: float) -> str:
    """The scheduler's address, once it has written the whole file (it writes
    in place: a read can find the file created but still empty)."""
    while True:
        try:
            return json.loads(scheduler_file.read_text())["address"]
        except (FileNotFoundError, json.JSONDecodeError, KeyError):
            if time.time() > deadline:
                raise
            time.sleep(0.1)


@contextmanager
def scheduler_and_workers(
    folder: Path, workers: int, extra: tuple[str, ...] = ()
) -> Iterator[tuple[str, list[subprocess.Popen]]]:
    """Yield the scheduler's address and the worker processes (one thread
    each; ``extra``: more dask-worker options, such as ``--no-nanny``)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    scheduler_file = folder / "scheduler.json"
    scheduler = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "distributed.cli.dask_scheduler",
            "--port",
            "0",
            "--dashboard-address",
            ":0",
            "--scheduler-file",
            str(scheduler_file),
        ],
        **quiet,
    )
    procs: list[subprocess.Popen] = []
    try:
        address = _scheduler_address(scheduler_file, time.time() + 60)
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "distributed.cli.dask_worker",
                    address,
                    "--nthreads",
                    "1",
                    "--dashboard-address",
                    ":0",
                    *extra,
                ],
                **quiet,
            )
            for _ in range(workers)
        ]
        yield address, procs
    finally:
        for proc in (*procs, scheduler):
            proc.kill()
            proc.wait(timeout=30)
