"""The carepath command: output, exit codes, errors on stderr, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest
import yaml

import carepath as cp
from carepath.cli import main
from carepath.scenarios import builtin_text
from conftest import mmc


def carepath(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "carepath", *args],
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def test_run_prints_tables_with_comparison(capsys):
    assert main(["run", "mm5", "-n", "4", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "wait.see_clinician.mean" in out and "six_clinicians - baseline" in out
    assert "over 4 replications, seed 3" in out


def test_run_json_is_the_summary(capsys):
    assert main(["run", "mm5", "-n", "3", "--json", "--variant", "baseline"]) == 0
    records = json.loads(capsys.readouterr().out)
    summary = cp.run("mm5", replications=3, variants=["baseline"]).summary()
    assert len(records) == len(summary)
    first = records[0]
    assert set(first) == {"variant", "metric", "mean", "sd", "ci_low", "ci_high", "n"}
    assert first["mean"] == pytest.approx(summary["mean"].iloc[0])


def test_run_out_writes_parquet(tmp_path, capsys):
    out = tmp_path / "res" / "mm5.parquet"
    assert main(["run", "mm5", "-n", "3", "--out", str(out)]) == 0
    df = pd.read_parquet(out)
    assert list(df["variant"].unique()) == ["baseline", "six_clinicians"]
    assert len(df) == 6
    assert [p.name for p in out.parent.iterdir()] == ["mm5.parquet"]


def test_python_dash_m_and_help():
    proc = carepath("--help")
    assert proc.returncode == 0 and "run" in proc.stdout and "Exit codes" in proc.stdout
    proc = carepath("run", "--help")
    for option in ("--replications", "--seed", "--threads", "--json", "--out", "--variant"):
        assert option in proc.stdout


def test_bad_scenario_exits_2_with_one_line(tmp_path):
    data = mmc()
    data["arrivals"][0]["rate"] = -3
    f = tmp_path / "bad.yaml"
    f.write_text(yaml.safe_dump(data))
    proc = carepath("run", str(f))
    assert proc.returncode == 2
    assert proc.stderr.strip() == "carepath: error: arrivals[0].rate: must be > 0, got -3"
    assert proc.stdout == ""


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["run", "nope.yaml"], "does not exist"),
        (["run", "mm5", "--seed", "-1"], "seed"),
        (["run", "mm5", "--variant", "zzz"], "no variant 'zzz'"),
        (["run", "mm5", "-n", "x"], "invalid int"),
    ],
)
def test_bad_options_exit_2(args, words):
    proc = carepath(*args)
    assert proc.returncode == 2, proc.stderr
    assert words in proc.stderr and "Traceback" not in proc.stderr


def test_scenarios_list_show_validate(tmp_path, capsys):
    assert main(["scenarios", "list"]) == 0
    assert "mm5" in capsys.readouterr().out
    assert main(["scenarios", "show", "mm5"]) == 0
    text = capsys.readouterr().out
    f = tmp_path / "copy.yaml"
    f.write_text(text)
    assert main(["scenarios", "validate", str(f)]) == 0
    assert "valid" in capsys.readouterr().out
    f.write_text(text.replace("capacity: 6", "capacity: 0"))
    assert main(["scenarios", "validate", str(f)]) == 2
    assert "variants.six_clinicians.resources.clinician.capacity" in capsys.readouterr().err


def test_ctrl_c_stops_the_cli_with_130_and_no_file(tmp_path):
    out = tmp_path / "never.parquet"
    proc = subprocess.Popen(
        [sys.executable, "-m", "carepath", "run", "mm5", "-n", "1000000", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a shell's background job (CI may be one) inherits SIGINT ignored;
        # Ctrl-C at a terminal always finds the default handler, so give it that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(3)  # imported and simulating
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    # a hang check, not a timing claim: the latency is measured in benchmarks/
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_raises_keyboard_interrupt_in_python():
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            cp.run("mm5", replications=1_000_000, threads=2)
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)


def test_set_changes_a_parameter_like_a_variant(capsys):
    """--set resources.clinician.capacity=6 on the baseline gives the six_clinicians numbers."""
    args = ["run", "mm5", "-n", "3", "--json", "--horizon", "3000"]
    assert main([*args, "--variant", "six_clinicians"]) == 0
    variant = {r["metric"]: r["mean"] for r in json.loads(capsys.readouterr().out)}
    assert main([*args, "--variant", "baseline", "--set", "resources.clinician.capacity=6"]) == 0
    changed = {r["metric"]: r["mean"] for r in json.loads(capsys.readouterr().out)}
    assert changed == variant


def test_set_errors_name_the_path(capsys):
    assert main(["run", "mm5", "--set", "arrivals[0].rate=-3"]) == 2
    assert "arrivals[0].rate: must be > 0, got -3" in capsys.readouterr().err
    assert main(["run", "mm5", "--set", "resources.clinician.capacity"]) == 2
    assert "--set: expected PATH=VALUE" in capsys.readouterr().err


def test_run_with_targets_prints_the_target_table(capsys):
    assert main(["run", "smart-triage", "-n", "3", "--horizon", "8 weeks"]) == 0
    out = capsys.readouterr().out
    assert "published figures against the model, 3 replications" in out
    assert "calls in the peak hour" in out and "-47% ± 7 pp" in out
    assert "targets met" in out


def test_scenarios_list_shows_id_description_and_source(capsys):
    assert main(["scenarios", "list"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("smart-triage"))
    assert "AI triage" in line and "evaluation" in line


def test_scenarios_copy_then_validate_and_no_overwrite(tmp_path, capsys):
    assert main(["scenarios", "copy", "smart-triage", str(tmp_path)]) == 0
    dest = tmp_path / "smart-triage.yaml"
    # the built-in's text, under a first line pointing editors at the JSON Schema
    modeline, rest = dest.read_text().split("\n", 1)
    assert modeline.startswith("# yaml-language-server: $schema=")
    assert rest == builtin_text("smart-triage")
    capsys.readouterr()
    assert main(["scenarios", "copy", "smart-triage", str(dest)]) == 2
    assert "exists" in capsys.readouterr().err
    assert main(["scenarios", "copy", "mm5", str(dest), "--force"]) == 0
    assert main(["scenarios", "validate", str(dest)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["smart-triage.yaml"]


def test_scenarios_validate_checks_target_metrics(tmp_path, capsys):
    data = yaml.safe_load(builtin_text("mm5"))
    data["targets"] = [{"label": "w", "metric": "wait.see_clinican.mean", "kind": "report"}]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["scenarios", "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "targets[0].metric: unknown metric 'wait.see_clinican.mean'" in err
    assert "did you mean 'wait.see_clinician.mean'" in err
