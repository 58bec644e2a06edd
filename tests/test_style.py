"""The Python sources are ruff-clean, lint and format (the project's style rule)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(not (ROOT / "pyproject.toml").exists(), reason="needs the source tree")
@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff_clean(command):
    ruff = shutil.which("ruff")
    assert ruff, "ruff is a test dependency: pip install '.[test]'"
    proc = subprocess.run(
        [ruff, *command, "python", "tests", "benchmarks"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
