"""Sweeps as shards with no driver: concurrent shard processes equal the serial
sweep, a killed shard is rerun to completion, gather names what is missing;
and on a real single-node SLURM, a job array and its gather job."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import carepath as cp
from carepath.cli import main
from carepath.sweeps import gather, status
from carepath.sweeps.shards import IncompleteSweep, shard_points
from slurm_cluster import single_node_slurm, why_not

SWEEP = """\
scenario: mm5.yaml
params:
  arrivals[0].rate: [3.5, 3.6, 3.7, 3.8, 3.9, 4.0, 4.1, 4.2, 4.3, 4.4]
  resources.clinician.capacity: [5, 6]
replications: {replications}
seed: 9
"""


def write_sweep(folder: Path, horizon: float, replications: int = 2) -> Path:
    """A sweep file (20 points of mm5, both variants) beside its scenario."""
    sc = cp.load("mm5").with_changes({"horizon": horizon, "warmup": 200})
    (folder / "mm5.yaml").write_text(
        __import__("yaml").safe_dump(sc.model_dump(mode="json", exclude_none=True))
    )
    path = folder / "sweep.yaml"
    path.write_text(SWEEP.format(replications=replications))
    return path


def serial(sweep_file: Path) -> pd.DataFrame:
    spec = __import__("yaml").safe_load(sweep_file.read_text())
    return cp.sweep(
        sweep_file.parent / spec["scenario"],
        spec["params"],
        replications=spec["replications"],
        seed=spec["seed"],
        executor="serial",
    ).results


def shard_command(sweep_file: Path, out: Path, shard: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "carepath",
        "sweep",
        str(sweep_file),
        "--out",
        str(out),
        "--shard",
        shard,
        "--executor",
        "serial",
        "--workers",
        "1",
        "--quiet",
    ]


def test_every_point_is_in_exactly_one_shard():
    for n_points, n, runs in ((20, 3, 4), (1000, 7, 1), (5, 8, 2), (10**5, 1000, 10)):
        shards = [shard_points(n_points, (k, n), runs) for k in range(n)]
        assert sorted(p for s in shards for p in s) == list(range(n_points))
        sizes = [len(s) for s in shards]
        assert max(sizes) - min(sizes) <= max(1, n_points // (8 * n) + 1)


def test_concurrent_shard_processes_equal_the_serial_sweep(tmp_path):
    sweep_file = write_sweep(tmp_path, horizon=2600)
    out = tmp_path / "out"
    procs = [subprocess.Popen(shard_command(sweep_file, out, f"{k}/3")) for k in range(3)]
    assert [p.wait(timeout=300) for p in procs] == [0, 0, 0]
    assert status(out)["remaining"] == 0
    assert [s["done"] == s["points"] for s in status(out)["shards"]] == [True] * 3
    assert main(["sweep", "gather", str(out)]) == 0
    gathered = pd.read_parquet(out / "results.parquet")
    pd.testing.assert_frame_equal(gathered, serial(sweep_file), check_exact=True)


def test_a_killed_shard_is_rerun_to_completion(tmp_path, capsys):
    sweep_file = write_sweep(tmp_path, horizon=60000, replications=3)
    out = tmp_path / "out"
    proc = subprocess.Popen(shard_command(sweep_file, out, "1/2"))
    try:
        deadline = time.time() + 120
        while time.time() < deadline and not list((out / "parts").glob("*.parquet")):
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    mine = set(shard_points(20, (1, 2), 6))
    done = 20 - status(out)["remaining"]
    assert 0 < done < len(mine)
    with pytest.raises(IncompleteSweep) as info:
        gather(out)
    assert set(info.value.missing) >= set(range(20)) - mine  # shard 0 never ran
    assert "--shard 0/2" in str(info.value) and "--shard 1/2" in str(info.value)
    assert main(["sweep", "gather", str(out)]) == 4
    err = capsys.readouterr().err
    assert "points missing" in err and "rerun --shard 0/2, --shard 1/2" in err
    for k in (1, 0):
        assert subprocess.run(shard_command(sweep_file, out, f"{k}/2"), timeout=600).returncode == 0
    assert not list((out / "parts").glob(".*.part"))
    table = pd.read_parquet(gather(out))
    for point in (0, 13):  # two points, one from each shard, against cp.run
        rows = table[table["point"] == point]
        values = rows.iloc[0]
        direct = cp.run(
            tmp_path / "mm5.yaml",
            replications=3,
            seed=9,
            changes={
                "arrivals[0].rate": float(values["arrivals[0].rate"]),
                "resources.clinician.capacity": int(values["resources.clinician.capacity"]),
            },
        ).per_replication
        mine_rows = rows[direct.columns].sort_values(["variant", "replication"], kind="stable")
        pd.testing.assert_frame_equal(mine_rows.reset_index(drop=True), direct, check_exact=True)


def test_a_shard_of_another_sweep_is_refused(tmp_path, capsys):
    sweep_file = write_sweep(tmp_path, horizon=2600)
    out = tmp_path / "out"
    assert (
        main(
            [
                "sweep",
                str(sweep_file),
                "--out",
                str(out),
                "--shard",
                "0/4",
                "--executor",
                "serial",
                "--quiet",
            ]
        )
        == 0
    )
    sweep_file.write_text(sweep_file.read_text().replace("seed: 9", "seed: 10"))
    assert main(["sweep", str(sweep_file), "--out", str(out), "--shard", "1/4", "--quiet"]) == 2
    assert "holds another sweep" in capsys.readouterr().err
    assert main(["sweep", str(sweep_file), "--out", str(out), "--shard", "4/4"]) == 2


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    reason = why_not()
    if reason:
        pytest.skip(reason)
    with single_node_slurm(tmp_path_factory.mktemp("slurm")) as env:
        yield env


def _wait(env: dict[str, str], path: Path, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline and not path.exists():
        time.sleep(0.5)
    if not path.exists():
        queue = subprocess.run(["squeue"], env=env, capture_output=True, text=True).stdout
        pytest.fail(f"{path.name} not written in {timeout} s; queue:\n{queue}")


def _array(sweep_file: Path, out: Path, env: dict[str, str]) -> tuple[str, str]:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "carepath",
            "sweep",
            "array",
            str(sweep_file),
            "--out",
            str(out),
            "--tasks",
            "4",
            "--scheduler",
            "slurm",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    words = proc.stdout.split()
    return words[words.index("array") + 1], words[words.index("job") + 1].rstrip(";")


def test_slurm_job_array_and_gather_equal_the_serial_sweep(slurm, tmp_path):
    sweep_file = write_sweep(tmp_path, horizon=2600)
    out = tmp_path / "out"
    start = time.time()
    _array(sweep_file, out, slurm)
    _wait(slurm, out / "results.parquet", timeout=300)
    print(
        f"SLURM up in {slurm['CAREPATH_SLURM_START_S']} s; array of 4 and gather: "
        f"{time.time() - start:.1f} s"
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "results.parquet"), serial(sweep_file), check_exact=True
    )
    assert len(status(out)["shards"]) == 4


def test_a_cancelled_array_task_is_completed_by_resubmitting(slurm, tmp_path):
    sweep_file = write_sweep(tmp_path, horizon=150000, replications=3)
    out = tmp_path / "out"
    array_id, gather_id = _array(sweep_file, out, slurm)
    task = f"{array_id}_1"
    deadline = time.time() + 120
    while time.time() < deadline:  # cancel shard 1 while it runs
        state = subprocess.run(
            ["squeue", "-h", "-j", task, "-o", "%T"], env=slurm, capture_output=True, text=True
        ).stdout.strip()
        if state == "RUNNING":
            break
        time.sleep(0.1)
    subprocess.run(["scancel", task], env=slurm, check=True)
    # the gather job waits for a dependency that can no longer be met
    subprocess.run(["scancel", gather_id], env=slurm, check=True)
    while subprocess.run(
        ["squeue", "-h", "-j", array_id], env=slurm, capture_output=True, text=True
    ).stdout.strip():
        if time.time() > deadline + 300:
            pytest.fail("the array did not finish")
        time.sleep(0.5)
    with pytest.raises(IncompleteSweep, match="--shard 1/4"):
        gather(out)
    _array(sweep_file, out, slurm)  # resubmitted: done points are skipped
    _wait(slurm, out / "results.parquet", timeout=600)
    assert status(out)["remaining"] == 0
    assert len(pd.read_parquet(out / "results.parquet")) == 20 * 2 * 3
