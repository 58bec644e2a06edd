"""A real single-node SLURM for the tests: munged, slurmctld and slurmd from
Debian's packages (the test command installs them best-effort), with their
own key, sockets, ports and state in a temporary folder, started for the
session and stopped after it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

PACKAGES = "slurmctld slurmd slurm-client munge"


def why_not() -> str | None:
    """Why a SLURM cannot be started here, or None if it can."""
    missing = [
        b
        for b in ("munged", "mungekey", "slurmctld", "slurmd", "sbatch", "sinfo")
        if shutil.which(b) is None
    ]
    if missing:
        return (
            f"needs a single-node SLURM: apt-get install {PACKAGES} (missing {', '.join(missing)})"
        )
    if os.geteuid() != 0:
        return "needs root to run slurmd (it starts jobs as their users)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _memory_mb() -> int:
    """The node's memory for jobs that ask for some (dask-jobqueue's do)."""
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return max(1024, pages // 2**20 - 1024)


def _config(folder: Path) -> str:
    host = socket.gethostname()
    return f"""\
ClusterName=carepath-test
SlurmctldHost={host}
AuthType=auth/munge
AuthInfo=socket={folder}/munge.sock
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmUser=root
SlurmdUser=root
SlurmctldPort={_free_port()}
SlurmdPort={_free_port()}
StateSaveLocation={folder}/state
SlurmdSpoolDir={folder}/spool
SlurmctldPidFile={folder}/slurmctld.pid
SlurmdPidFile={folder}/slurmd.pid
SlurmctldLogFile={folder}/slurmctld.log
SlurmdLogFile={folder}/slurmd.log
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName={host} CPUs={os.cpu_count() or 1} RealMemory={_memory_mb()} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
"""


def _kill(pidfile: Path) -> None:
    with suppress(FileNotFoundError, ValueError, ProcessLookupError):
        os.kill(int(pidfile.read_text().strip()), 15)


@contextmanager
def single_node_slurm(folder: Path) -> Iterator[dict[str, str]]:
    """Start munged, slurmctld and slurmd in ``folder``; yield the environment
    (SLURM_CONF) under which sbatch, squeue and scancel reach them."""
    for sub in ("state", "spool"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    key = folder / "munge.key"
    subprocess.run(["mungekey", "-c", "-k", str(key)], check=True, capture_output=True)
    key.chmod(0o600)
    conf = folder / "slurm.conf"
    conf.write_text(_config(folder))
    env = {**os.environ, "SLURM_CONF": str(conf)}
    started = time.monotonic()
    try:
        subprocess.run(
            [
                "munged",
                f"--socket={folder}/munge.sock",
                f"--key-file={key}",
                f"--pid-file={folder}/munged.pid",
                f"--log-file={folder}/munged.log",
                f"--seed-file={folder}/munged.seed",
                "--force",
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )
        for daemon in ("slurmctld", "slurmd"):
            subprocess.run(
                [daemon, "-f", str(conf)], env=env, check=True, capture_output=True, timeout=30
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = subprocess.run(
                ["sinfo", "-h", "-o", "%t"], env=env, capture_output=True, text=True
            ).stdout.strip()
            if state == "idle":
                break
            time.sleep(0.25)
        else:
            logs = (folder / "slurmctld.log").read_text()[-2000:]
            raise RuntimeError(f"the SLURM node did not become idle (state {state!r}):\n{logs}")
        env["CAREPATH_SLURM_START_S"] = f"{time.monotonic() - started:.1f}"
        yield env
    finally:
        subprocess.run(["scancel", "--user=root"], env=env, capture_output=True)
        subprocess.run(["scontrol", "shutdown"], env=env, capture_output=True, timeout=30)
        time.sleep(0.5)
        for pidfile in ("slurmd.pid", "slurmctld.pid", "munged.pid"):
            _kill(folder / pidfile)
