"""carepath in CI and notebooks: `carepath check`, its JUnit XML, the pytest
plugin, the JSON Schema, and how results show in Jupyter.

The plugin runs in a pytest subprocess: pytester's in-process runs forget
the modules they imported, and numpy's cannot be imported twice."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

import carepath as cp
from carepath.cli import main
from carepath.scenarios import builtin_text

MM1 = """\
name: mm1
horizon: 4000
warmup: 400
replications: 10
resources: {server: {capacity: 1}}
arrivals: [{name: walk_in, rate: 0.5, start: serve}]
pathway:
  serve: {seize: server, service: {dist: exponential, mean: 1.0}, then: done}
  done: {exit: served}
targets:
  - {label: utilisation, metric: utilisation.server, value: 0.5, tolerance: 0.05, kind: calibrate}
  - {label: out of reach, metric: utilisation.server, value: 0.9, tolerance: 0.05, kind: predict}
  - {label: mean wait, metric: wait.serve.mean, kind: report}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two scenario files: mm1 (one target met, one out of reach, one report)
    and mm1-ok (its out-of-reach target removed)."""
    (tmp_path / "mm1.yaml").write_text(MM1)
    ok = MM1.replace("  - {label: out of reach", "  # - {label: out of reach")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "mm1-ok.yaml").write_text(ok.replace("name: mm1", "name: mm1-ok"))
    return tmp_path


def test_check_exit_codes_met_not_met_and_broken(folder, capsys):
    assert main(["check", str(folder / "sub" / "mm1-ok.yaml")]) == 0
    assert "1 of 1 targets met" in capsys.readouterr().out
    assert main(["check", str(folder / "mm1.yaml")]) == 3
    out = capsys.readouterr().out
    assert "NO" in out and "1 of 2 targets met" in out
    broken = folder / "broken.yaml"
    broken.write_text("name: broken\nhorizon: -1\n")
    assert main(["check", str(broken)]) == 2
    assert "horizon: must be > 0" in capsys.readouterr().out
    assert main(["check", str(folder / "nowhere")]) == 2
    assert main(["check", "mm5", "-n", "3"]) == 0  # a built-in id; no targets is not a failure


def test_junit_xml_counts_tests_failures_and_errors(folder, tmp_path):
    (folder / "broken.yaml").write_text("name: broken\nhorizon: -1\n")
    report = tmp_path / "out" / "junit.xml"
    report.parent.mkdir()
    assert main(["check", str(folder), "--junit-xml", str(report)]) == 2
    root = ET.parse(report).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("6", "1", "1")
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"broken.yaml", "mm1", "mm1-ok"}
    failure = suites["mm1"].find("testcase/failure")
    assert failure is not None
    message = failure.get("message")
    assert "published 0.9 +- 0.05" in message and "95% CI [" in message
    assert suites["mm1"].get("skipped") == "1"  # the report target


def test_check_json(folder, capsys):
    assert main(["check", str(folder / "mm1.yaml"), "--json"]) == 3
    (record,) = json.loads(capsys.readouterr().out)
    assert record["scenario"] == "mm1" and record["passed"] is False
    assert [t["met"] for t in record["targets"]] == [True, False, None]


def test_pytest_plugin_makes_each_target_a_test(folder, pytester):
    collected = pytester.runpytest_subprocess("--carepath", str(folder), "--collect-only", "-q")
    assert "5 tests collected" in collected.stdout.str()
    result = pytester.runpytest_subprocess("--carepath", str(folder), "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1, skipped=2)
    result.stdout.fnmatch_lines(
        ["*mm1.yaml: out of reach*", "*published 0.9 +- 0.05*not within the tolerance*"]
    )
    only = pytester.runpytest_subprocess(
        "--carepath", str(folder), "-k", "mm1-ok", "-p", "no:cacheprovider"
    )
    only.assert_outcomes(passed=1, skipped=1)


def test_pytest_plugin_reports_a_broken_file_as_a_failure(tmp_path, pytester):
    (tmp_path / "broken.yaml").write_text("name: broken\nresources: {a: {capcity: 1}}\n")
    result = pytester.runpytest_subprocess("--carepath", str(tmp_path), "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*unknown key 'capcity'*"])


def test_every_builtin_validates_against_the_json_schema():
    jsonschema = pytest.importorskip("jsonschema")
    from carepath.model.schema import scenario_schema

    validator = jsonschema.Draft202012Validator(scenario_schema())
    for sid in cp.builtin_ids():
        data = yaml.safe_load(builtin_text(sid))
        errors = [e.message for e in validator.iter_errors(data)]
        assert not errors, (sid, errors[:3])
    typo = yaml.safe_load(builtin_text("mm5"))
    typo["resources"]["clinician"]["capcity"] = 5
    assert any("capcity" in e.message for e in validator.iter_errors(typo))


def test_the_shipped_schema_is_the_generated_one(capsys):
    from carepath.model.schema import SCHEMA_PATH, schema_text

    assert SCHEMA_PATH.read_text() == schema_text(), "regenerate: carepath schema > " + str(
        SCHEMA_PATH.name
    )
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "carepath scenario"


def test_a_copied_scenario_points_editors_at_the_schema(tmp_path):
    assert main(["scenarios", "copy", "mm5", str(tmp_path)]) == 0
    text = (tmp_path / "mm5.yaml").read_text()
    first = text.splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=file://")
    assert first.endswith("scenario.schema.json")
    assert cp.load(tmp_path / "mm5.yaml").name == "mm5"


def test_results_sweeps_and_psa_show_as_tables_in_a_notebook():
    with_targets = cp.run("scaphoid-imaging", replications=3)
    page = with_targets._repr_html_()
    assert "<table" in page and "published figures against the model" in page
    assert "fracture clinic visits" in page
    plain = cp.run("mm5", replications=2, horizon=3000)
    assert "wait.see_clinician.mean" in plain._repr_html_()
    sc = cp.load("mm5").with_changes({"horizon": 2500, "warmup": 100})
    sweep = cp.sweep(sc, {"arrivals[0].rate": [4.0, 4.2]}, replications=2, executor="serial")
    assert "sweep of 2 points" in sweep._repr_html_()
    psa = cp.psa("social-prescribing-yad", iterations=2, replications=1)
    assert "P(cost-effective) at 20,000" in psa._repr_html_()
    png = plain.plot.waits("see_clinician")._repr_png_()
    assert png.startswith(b"\x89PNG")
