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
