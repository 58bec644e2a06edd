"""The benchmarks still run (they are measured by hand, not here: no timing is asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not (ROOT / "benchmarks").is_dir(), reason="needs the source tree")


def test_hot_path_suite_runs():
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "benchmarks",
            "--benchmark-disable",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "CAREPATH_BENCH_PEOPLE": "20000"},  # the full size is measured by hand
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert " passed" in proc.stdout


def test_peer_comparison_runs_quick():
    pytest.importorskip("simpy")
    pytest.importorskip("ciw")
    proc = subprocess.run(
        [sys.executable, "benchmarks/compare_peers.py", "--quick", "--no-write"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for name in ("hand-written C++ loop", "carepath, 1 thread", "SimPy", "Ciw"):
        assert name in proc.stdout


def test_sweep_batch_benchmark_runs_quick():
    pytest.importorskip("simpy")
    proc = subprocess.run(
        [sys.executable, "benchmarks/sweep_batch.py", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for name in ("sweep, serial, 1 thread", "SimPy, the same model", "cp.run, tiny model"):
        assert name in proc.stdout


def test_the_simpy_model_of_the_sweep_benchmark_is_the_same_model():
    """The SimPy version the sweep benchmark compares with simulates the same
    pathway: its means agree with carepath's (Welch, 99%), replications of
    each with their own random numbers."""
    pytest.importorskip("simpy")
    from scipy import stats

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import sweep_batch
    finally:
        sys.path.pop(0)
    import carepath as cp

    n = 200
    theirs = [sweep_batch.simpy_ed(9.5, seed=k) for k in range(n)]
    ours = cp.run(sweep_batch.ED, replications=n, variants=["baseline"]).values("baseline")
    for metric in (
        "utilisation.enp",
        "wait.minors.mean",
        "exits.admitted",
        "system_time.mean",
        "reneged.majors_doctor",
    ):
        a = [s[metric] for s in theirs]
        test = stats.ttest_ind(a, ours[metric].to_numpy(), equal_var=False)
        assert test.pvalue > 0.01, (
            f"{metric}: SimPy {sum(a) / n:.4g}, carepath {ours[metric].mean():.4g}"
        )
