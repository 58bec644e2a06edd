"""Hardening: runaway models stop with a message, oversized or damaged input is
refused in one line, no CLI command ends in a traceback (disk full, a file
where a folder should be, a missing extra), sweep folders heal."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml

import carepath as cp
from carepath.cli import main
from carepath.errors import FolderError, LoadWarning, SimulationError
from carepath.sweeps.store import SweepStore

RUNAWAY = {
    "name": "runaway",
    "horizon": 200,
    "resources": {"clinician": {"capacity": 1}},
    "arrivals": [{"name": "walk_in", "rate": 45000, "start": "see"}],
    "pathway": {
        "see": {
            "seize": "clinician",
            "service": {"dist": "exponential", "mean": 0.25},
            "then": "done",
        },
        "done": {"exit": "treated"},
    },
    "limits": {"max_in_system": 5000},
}


def test_a_runaway_model_is_warned_of_then_stopped_naming_the_step():
    with (
        pytest.warns(LoadWarning, match=r"resources\.clinician: offered load 1.12e\+04"),
        pytest.raises(SimulationError) as info,
    ):
        cp.run(RUNAWAY, replications=1)
    message = str(info.value)
    assert "more than 5000 patients in the system" in message
    assert "at step 'see'" in message and "limits.max_in_system" in message


def test_a_runaway_model_from_the_cli_is_one_line_and_exit_1(tmp_path):
    path = tmp_path / "runaway.yaml"
    path.write_text(yaml.safe_dump(RUNAWAY))
    proc = cli(["run", str(path), "-n", "2"])
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith("carepath: warning: resources.clinician: offered load")
    assert "nobody leaves its queue" in lines[0]
    assert lines[1].startswith("carepath: simulation stopped: more than 5000 patients")
    assert len(lines) == 2


def test_a_profile_whose_peak_dwarfs_its_rate_runs_as_any_other():
    """Profiles are sampled by inversion, one draw an arrival: a peak a billion
    times the usual rate (outside the horizon here) costs nothing, where
    thinning would have drawn a billion candidates an arrival."""
    data = {
        "name": "spiky",
        "horizon": 24,
        "arrivals": [
            {
                "name": "calls",
                "start": "done",
                "profile": {"hourly": [1.0] * 24, "season": [1.0, 1e9]},
            }
        ],
        "pathway": {"done": {"exit": "out"}},
    }
    res = cp.run(data, replications=50)
    mean = res.per_replication["arrivals"].mean()
    assert 24 - 4 * (24 / 50) ** 0.5 < mean < 24 + 4 * (24 / 50) ** 0.5


def test_an_event_budget_stops_a_long_run():
    sc = cp.load("mm5").with_changes({"limits": {"max_events": 10000}})
    with pytest.raises(SimulationError, match="more than 10000 events in a replication"):
        cp.run(sc, replications=1)


def test_a_stable_model_is_not_warned():
    with warnings.catch_warnings():
        warnings.simplefilter("error", LoadWarning)
        cp.run("mm5", replications=1, horizon=3000)  # load 0.9


def cli(
    args: list[str],
    *,
    fsize: int | None = None,
    hide: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """The carepath command in a fresh process: with a file-size limit (a full
    disk), or with modules hidden (a missing extra)."""
    code = "import sys\n"
    code += "".join(f"sys.modules[{m!r}] = None\n" for m in hide)
    code += "from carepath.cli import main\nsys.exit(main(sys.argv[1:]))\n"

    def limit() -> None:
        if fsize is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limit,
        env={**os.environ, **(env or {})},
    )


def bomb(path: Path) -> None:
    lines = [
        "name: bomb",
        "horizon: 10",
        "source:",
        '  a: &a ["x","x","x","x","x","x","x","x","x"]',
    ]
    prev = "a"
    for name in "bcdefgh":
        lines.append(f"  {name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    path.write_text("\n".join(lines) + "\n")


BAD_INPUT = {
    "alias bomb": (bomb, "expands to more than 1,000,000 values"),
    "binary": (lambda p: p.write_bytes(bytes(range(256)) * 4), "is not UTF-8 text"),
    "latin-1": (lambda p: p.write_bytes("name: caf\xe9\n".encode("latin-1")), "is not UTF-8"),
    "a list": (lambda p: p.write_text("- 1\n- 2\n"), "must be a mapping"),
    "deep": (lambda p: p.write_text("[" * 50000 + "]" * 50000), "nested too deeply"),
    "huge": (lambda p: p.write_text("# " + "x" * 11_000_000), "not a scenario file"),
}


@pytest.mark.parametrize("kind", list(BAD_INPUT))
def test_bad_scenario_files_are_refused_in_one_line(tmp_path, kind, capsys):
    make, message = BAD_INPUT[kind]
    path = tmp_path / "bad.yaml"
    make(path)
    for command in (
        ["scenarios", "validate", str(path)],
        ["run", str(path)],
        ["report", str(path), "--out", str(tmp_path / "r.html")],
    ):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1


def sweep_file(folder: Path) -> Path:
    path = folder / "sweep.yaml"
    path.write_text(
        "scenario: mm5\nparams:\n  arrivals[0].rate: [4.0, 4.2]\nreplications: 1\n"
        "variants: [baseline]\n"
    )
    return path


def failures(tmp: Path) -> list[tuple[str, list[str], dict, int, str]]:
    """(what, args, provocation, exit code, text in the message) for every
    subcommand: a file where a folder should be, a full disk (a file-size
    limit), a missing extra, a missing or damaged input."""
    blocker = tmp / "a-file"
    blocker.write_text("x")
    sweep = sweep_file(tmp)
    damaged = tmp / "damaged"
    damaged.mkdir()
    (damaged / "manifest.json").write_text('{"carepath": ')
    small = {"fsize": 3000}
    return [
        (
            "run --out under a file",
            ["run", "mm5", "-n", "1", "--horizon", "3000", "--out", str(blocker / "x.parquet")],
            {},
            5,
            "not a folder",
        ),
        (
            "run --out, disk full",
            ["run", "mm5", "-n", "1", "--horizon", "3000", "--out", str(tmp / "big.parquet")],
            small,
            5,
            "File too large",
        ),
        (
            "plot --out under a file",
            ["plot", "mm5", "-n", "1", "--horizon", "3000", "--out", str(blocker / "figs")],
            {},
            5,
            "not a folder",
        ),
        (
            "plot without matplotlib",
            ["plot", "mm5", "-n", "1", "--horizon", "3000", "--out", str(tmp / "figs")],
            {"hide": ("matplotlib", "matplotlib.figure")},
            2,
            "matplotlib",
        ),
        (
            "report, disk full",
            ["report", "mm5", "-n", "1", "--horizon", "3000", "--out", str(tmp / "r.html")],
            small,
            5,
            "File too large",
        ),
        (
            "check --junit-xml under a file",
            ["check", "mm5", "-n", "1", "--junit-xml", str(blocker / "j.xml")],
            {},
            5,
            "not a folder",
        ),
        (
            "sweep --out under a file",
            ["sweep", str(sweep), "--out", str(blocker / "s"), "--executor", "serial"],
            {},
            5,
            "a-file",
        ),
        (
            "sweep, disk full",
            ["sweep", str(sweep), "--out", str(tmp / "full"), "--executor", "serial"],
            small,
            5,
            "File too large",
        ),
        (
            "sweep --executor dask without dask",
            ["sweep", str(sweep), "--out", str(tmp / "d"), "--executor", "dask"],
            {"hide": ("dask", "dask.distributed")},
            2,
            "pip install 'carepath[dask]'",
        ),
        ("sweep status of a damaged folder", ["sweep", "status", str(damaged)], {}, 2, "--restart"),
        (
            "sweep of a damaged folder",
            ["sweep", str(sweep), "--out", str(damaged), "--executor", "serial"],
            {},
            2,
            "is damaged",
        ),
        (
            "sweep gather of no folder",
            ["sweep", "gather", str(tmp / "nothing")],
            {},
            2,
            "not a sweep folder",
        ),
        (
            "sweep array without sbatch",
            [
                "sweep",
                "array",
                str(sweep),
                "--out",
                str(tmp / "a"),
                "--tasks",
                "2",
                "--scheduler",
                "slurm",
            ],
            {"env": {"PATH": "/nonexistent"}},
            5,
            "sbatch not found",
        ),
        ("calibrate, no file", ["calibrate", str(tmp / "none.yaml")], {}, 5, "none.yaml"),
        (
            "scenarios copy under a file",
            ["scenarios", "copy", "mm5", str(blocker / "x.yaml")],
            {},
            5,
            "not a folder",
        ),
        (
            "scenarios validate, no file",
            ["scenarios", "validate", str(tmp / "none.yaml")],
            {},
            2,
            "does not exist",
        ),
    ]


def test_no_cli_command_ends_in_a_traceback(tmp_path):
    for what, args, provocation, code, text in failures(tmp_path):
        proc = cli(args, **provocation)
        assert "Traceback" not in proc.stderr, (what, proc.stderr[-2000:])
        lines = [x for x in proc.stderr.splitlines() if not x.startswith("carepath: warning")]
        assert len(lines) == 1, (what, proc.stderr)
        assert proc.returncode == code, (what, proc.returncode, proc.stderr)
        assert text in lines[0], (what, lines[0])


def test_a_damaged_part_is_set_aside_and_recomputed(tmp_path):
    sc = cp.load("mm5").with_changes({"horizon": 2600, "warmup": 200})
    params = {"arrivals[0].rate": [3.6, 3.8, 4.0, 4.2]}
    out = tmp_path / "s"
    whole = cp.sweep(sc, params, replications=2, executor="serial", out=out).results
    part = sorted((out / "parts").glob("*.parquet"))[1]
    part.write_bytes(part.read_bytes()[:100])  # truncated
    with pytest.raises(FolderError, match="run the sweep again"):
        SweepStore(out).read()
    with pytest.warns(UserWarning, match="is damaged"):
        healed = cp.sweep(sc, params, replications=2, executor="serial", out=out)
    assert (part.parent / (part.name + ".damaged")).exists()
    pd.testing.assert_frame_equal(healed.results, whole, check_exact=True)


def test_a_damaged_manifest_needs_restart(tmp_path):
    sc = cp.load("mm5").with_changes({"horizon": 2600, "warmup": 200})
    params = {"arrivals[0].rate": [3.6, 3.8]}
    out = tmp_path / "s"
    whole = cp.sweep(sc, params, replications=2, executor="serial", out=out).results
    (out / "manifest.json").write_text("{")
    with pytest.raises(FolderError, match="restart"):
        cp.sweep(sc, params, replications=2, executor="serial", out=out)
    again = cp.sweep(sc, params, replications=2, executor="serial", out=out, restart=True)
    pd.testing.assert_frame_equal(again.results, whole, check_exact=True)


def test_a_second_sweep_into_a_busy_folder_is_refused(tmp_path, capsys):
    spec = tmp_path / "slow.yaml"
    (tmp_path / "mm5.yaml").write_text(
        yaml.safe_dump(
            # long enough (about 1.5 s) that the second sweep finds it running
            cp.load("mm5")
            .with_changes({"horizon": 600000})
            .model_dump(mode="json", exclude_none=True)
        )
    )
    spec.write_text(
        "scenario: mm5.yaml\nparams:\n  arrivals[0].rate: [4.0, 4.1, 4.2, 4.3]\n"
        "replications: 2\nvariants: [baseline]\n"
    )
    out = tmp_path / "out"
    first = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "carepath",
            "sweep",
            str(spec),
            "--out",
            str(out),
            "--executor",
            "serial",
            "--workers",
            "1",
            "--quiet",
        ]
    )
    try:
        deadline = time.time() + 60
        while not (out / "lock").exists() and time.time() < deadline:
            time.sleep(0.02)
        assert first.poll() is None, "the first sweep ended before the second started"
        assert main(["sweep", str(spec), "--out", str(out), "--executor", "serial"]) == 2
        assert "another carepath sweep" in capsys.readouterr().err
    finally:
        assert first.wait(timeout=300) == 0
    assert main(["sweep", str(spec), "--out", str(out), "--executor", "serial"]) == 0


# -- faults injected: a Dask worker killed, a SLURM worker job cancelled ------------

SHORT = cp.load("mm5").with_changes({"horizon": 30000, "warmup": 200})
PARAMS = {"arrivals[0].rate": [3.5, 3.6, 3.7, 3.8, 3.9, 4.0, 4.1, 4.2, 4.3, 4.4, 4.45, 4.5]}


@pytest.fixture(scope="module")
def serial_short():
    return cp.sweep(SHORT, PARAMS, replications=3, seed=5, executor="serial").results


def test_a_dask_worker_killed_mid_sweep_changes_nothing(tmp_path, serial_short):
    """A scheduler and two workers as separate processes; one worker is killed
    with SIGKILL once parts are written: its chunks run on the other, and the
    result is the serial sweep's, bit for bit."""
    import signal
    import threading

    pytest.importorskip("dask.distributed")
    from dask_processes import scheduler_and_workers

    with scheduler_and_workers(tmp_path, workers=2, extra=("--no-nanny",)) as (address, workers):
        out = tmp_path / "out"
        outcome: dict[str, object] = {}

        def sweep() -> None:
            try:
                outcome["result"] = cp.sweep(
                    SHORT, PARAMS, replications=3, seed=5, executor="dask", address=address, out=out
                )
            except BaseException as err:  # reported below
                outcome["error"] = err

        thread = threading.Thread(target=sweep)
        thread.start()
        while thread.is_alive() and not list((out / "parts").glob("*.parquet")):
            time.sleep(0.01)
        assert thread.is_alive(), "the sweep finished before a worker could be killed"
        workers[0].send_signal(signal.SIGKILL)
        thread.join(timeout=300)
    assert "error" not in outcome, outcome.get("error")
    pd.testing.assert_frame_equal(outcome["result"].results, serial_short, check_exact=True)


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    from slurm_cluster import single_node_slurm, why_not

    reason = why_not()
    if reason:
        pytest.skip(reason)
    pytest.importorskip("dask_jobqueue")
    with single_node_slurm(tmp_path_factory.mktemp("slurm")) as env:
        yield env


def test_the_slurm_executor_runs_on_a_real_slurm(slurm, monkeypatch, tmp_path, serial_short):
    monkeypatch.setenv("SLURM_CONF", slurm["SLURM_CONF"])
    monkeypatch.chdir(tmp_path)  # the worker jobs write slurm-<id>.out here
    cluster = {"jobs": 1, "cores": 1, "memory": "1GB", "walltime": "00:10:00"}
    res = cp.sweep(SHORT, PARAMS, replications=3, seed=5, executor="slurm", cluster=cluster)
    pd.testing.assert_frame_equal(res.results, serial_short, check_exact=True)


def test_a_slurm_worker_job_cancelled_mid_sweep_then_resumed(slurm, tmp_path, serial_short):
    out = tmp_path / "out"
    script = (
        "import carepath as cp\n"
        f"sc = cp.load('mm5').with_changes({{'horizon': 30000, 'warmup': 200}})\n"
        f"cp.sweep(sc, {PARAMS!r}, replications=3, seed=5, executor='slurm', out={str(out)!r},"
        " cluster={'jobs': 1, 'cores': 1, 'memory': '1GB', 'walltime': '00:10:00'})\n"
    )
    driver = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=tmp_path,  # the worker job writes slurm-<id>.out here
        env=slurm,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 180
        while time.time() < deadline and not list((out / "parts").glob("*.parquet")):
            if driver.poll() is not None:
                pytest.fail("the sweep ended before its worker job could be cancelled")
            time.sleep(0.02)
        jobs = subprocess.run(
            ["squeue", "-h", "-o", "%i"], env=slurm, capture_output=True, text=True
        ).stdout.split()
        assert jobs, "no worker job to cancel"
        subprocess.run(["scancel", *jobs], env=slurm, check=True)
        try:  # with its only worker gone the driver cannot finish: stop it
            driver.wait(timeout=10)
        except subprocess.TimeoutExpired:
            driver.kill()
            driver.wait(timeout=30)
    finally:
        if driver.poll() is None:
            driver.kill()
    assert 0 < 12 - status_remaining(out) < 12
    resumed = cp.sweep(SHORT, PARAMS, replications=3, seed=5, executor="serial", out=out)
    pd.testing.assert_frame_equal(resumed.results, serial_short, check_exact=True)


def status_remaining(out: Path) -> int:
    from carepath.sweeps import status

    return int(status(out)["remaining"])


def test_a_directory_or_a_device_given_as_a_scenario_is_named_for_what_it_is(tmp_path, capsys):
    assert main(["run", str(tmp_path)]) == 2
    assert "is a directory, not a scenario file" in capsys.readouterr().err
    if Path("/dev/null").exists():
        assert main(["scenarios", "validate", "/dev/null"]) == 2
        assert "'/dev/null' is not a regular file" in capsys.readouterr().err
    assert main(["run", str(tmp_path / "missing.yaml")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_run_whose_table_would_not_fit_in_memory_is_refused_before_it_runs(capsys):
    # 10^10 replications of mm5's two variants: terabytes, on any machine
    assert main(["run", "mm5", "-n", str(10**10)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("carepath: error: replications: 10,000,000,000 replications of 2")
    assert "GiB table, more than the" in err and "sweep in shards" in err


def test_the_table_estimate_is_the_table_run_to_the_memory_it_may_use(monkeypatch):
    import carepath.engine.run as engine_run

    res = cp.run("mm5", replications=4, variants=["baseline"])
    need = res.table.nbytes  # 4 replications x every metric, float64
    monkeypatch.setattr(engine_run, "free_memory", lambda: 0)  # past the quick test
    monkeypatch.setattr(engine_run, "available_memory", lambda: need)
    cp.run("mm5", replications=4, variants=["baseline"])  # fits exactly
    monkeypatch.setattr(engine_run, "available_memory", lambda: need - 1)
    with pytest.raises(cp.ScenarioError, match=r"^replications: 4 replications of 1 variant"):
        cp.run("mm5", replications=4, variants=["baseline"])
    # the quick test: a table under half the free memory fits without reading more
    monkeypatch.setattr(engine_run, "free_memory", lambda: 2 * need)
    cp.run("mm5", replications=4, variants=["baseline"])


def _with_zero_age(**seize: object) -> dict:
    return {
        "name": "zero-age",
        "horizon": 50,
        "attributes": {"age": 0},
        "resources": {"clinician": {"capacity": 1}},
        "arrivals": [{"name": "walk_in", "rate": 2.0, "start": "see"}],
        "pathway": {
            "see": {
                "seize": "clinician",
                "service": {"dist": "exponential", "mean": 0.4},
                "then": "done",
                **seize,
            },
            "done": {"exit": "treated"},
        },
    }


def test_a_priority_that_evaluates_to_inf_stops_the_run_naming_the_step():
    with pytest.raises(
        SimulationError, match=r"pathway\.see\.priority: must be a finite number, got inf"
    ):
        cp.run(_with_zero_age(priority="1/age"), replications=1)
    with pytest.raises(SimulationError, match=r"pathway\.see\.priority: .* got nan"):
        cp.run(_with_zero_age(priority="age/age"), replications=1)
    cp.run(_with_zero_age(priority="1/(age + 1)"), replications=1)  # finite: runs


def test_a_dna_probability_that_evaluates_to_nan_stops_the_run_naming_the_step():
    data = {
        "name": "nan-dna",
        "horizon": 24 * 14,
        "attributes": {"age": 0},
        "books": {"clinic": {"slots": [{"count": 8, "start": "09:00", "end": "12:00"}]}},
        "arrivals": [{"name": "referral", "rate": 0.5, "start": "book"}],
        "pathway": {
            "book": {
                "book": "clinic",
                "dna": "age/age",
                "on_dna": "done",
                "on_full": "done",
                "then": "done",
            },
            "done": {"exit": "seen"},
        },
    }
    with pytest.raises(
        SimulationError, match=r"pathway\.book\.dna: must be a finite number, got nan"
    ):
        cp.run(data, replications=1)
    cp.run({**data, "attributes": {"age": 1}, "pathway": {**data["pathway"]}}, replications=1)
