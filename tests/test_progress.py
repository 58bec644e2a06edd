"""Progress: the engine reports finished replications; the bar shows on stderr."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pandas as pd
import pytest

import carepath as cp
from carepath import _core
from carepath.engine.compile import compile_scenario


def runner() -> _core.Runner:
    return _core.Runner(compile_scenario(cp.load("mm5")))


def test_the_engine_reports_replications_as_they_finish():
    seen: list[int] = []
    runner().run(6, 1, 2, progress=seen.append)
    assert seen and seen[-1] == 6
    assert seen == sorted(seen) and len(set(seen)) == len(seen)


def test_an_error_in_the_progress_callback_stops_the_run():
    def fail(done: int) -> None:
        raise ValueError(f"stop at {done}")

    with pytest.raises(ValueError, match="stop at"):
        runner().run(4, 1, 1, progress=fail)


def test_progress_bar_on_stderr_and_the_same_numbers(capsys, monkeypatch):
    # the module, not the function carepath.engine.run that shadows it
    monkeypatch.setattr(importlib.import_module("carepath.engine.run"), "PROGRESS_DELAY_S", 0.0)
    quiet = cp.run("mm5", replications=4, seed=3)
    shown = cp.run("mm5", replications=4, seed=3, progress=True)
    pd.testing.assert_frame_equal(quiet.per_replication, shown.per_replication, check_exact=True)
    err = capsys.readouterr().err
    assert "mm5" in err and "replication" in err


@pytest.mark.parametrize("extra", [[], ["--quiet"]])
def test_cli_prints_no_bar_when_stderr_is_not_a_terminal_or_with_quiet(extra):
    proc = subprocess.run(
        [sys.executable, "-m", "carepath", "run", "mm5", "--replications", "3", *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "replication/s" not in proc.stderr and "it/s" not in proc.stderr
