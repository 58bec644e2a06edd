"""Typed: the compiled module's stubs are current, and mypy passes on the package.

mypy runs with its default settings on every module and a stricter profile
on the public API (``[tool.mypy]`` in pyproject.toml); the only other setting
tells it that a few optional extras (SALib, dask, mpi4py, pm4py) ship no types.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STUB = ROOT / "python" / "carepath" / "_core.pyi"


def test_the_core_stubs_match_the_compiled_module(tmp_path):
    pytest.importorskip("pybind11_stubgen", reason="needs the test extra: pip install '.[test]'")
    proc = subprocess.run(
        [sys.executable, "-m", "pybind11_stubgen", "carepath._core", "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ERROR" not in proc.stderr, proc.stderr  # a C++ type left raw in a signature
    fresh = (tmp_path / "carepath" / "_core.pyi").read_text()
    assert fresh == STUB.read_text(), (
        "python/carepath/_core.pyi is out of date: regenerate it with "
        "'pybind11-stubgen carepath._core -o python' after installing the package"
    )


def test_mypy_passes_on_the_package(tmp_path):
    pytest.importorskip("mypy", reason="needs the test extra: pip install '.[test]'")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path), "python/carepath"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
    assert "Success: no issues found" in proc.stdout
