"""The built-in scenario library: every scenario meets its published figures."""

from __future__ import annotations

from pathlib import Path

import pytest

import carepath as cp
from carepath.engine.run import check_outputs

WITH_TARGETS = [sid for sid in cp.builtin_ids() if cp.load(sid).targets]


def test_library_has_the_readme_scenario():
    assert "smart-triage" in WITH_TARGETS


@pytest.mark.parametrize("scenario_id", cp.builtin_ids())
def test_every_builtin_validates_and_names_real_metrics(scenario_id):
    sc = cp.load(scenario_id)
    assert sc.description and sc.source.get("title"), "a built-in says what it is and its source"
    check_outputs(sc)


def test_every_builtin_meets_its_targets_through_the_pytest_plugin(pytester):
    """What `carepath run ID` prints, run as users' CI would run their own
    scenarios (`pytest --carepath DIR`): each target a test whose whole 95% CI
    lies within its tolerance, and well inside it (narrower than 75% of the
    band), at default settings."""
    library = Path(cp.__file__).parent / "scenarios"
    result = pytester.runpytest_subprocess(
        "--carepath", str(library), "--carepath-ci-width", "0.75", "-p", "no:cacheprovider"
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0, result.stdout.str()[-4000:]
    checked = [t for sid in WITH_TARGETS for t in cp.load(sid).targets if t.kind != "report"]
    assert outcomes["passed"] == len(checked) > 0


def test_predicted_targets_come_from_the_variant_not_the_baseline():
    """A predict target compares the variant with the baseline run on the same patients."""
    sc = cp.load("smart-triage")
    predicted = [t for t in sc.targets if t.kind == "predict"]
    assert predicted and all(t.variant != "baseline" for t in predicted)
    res = cp.run(sc, replications=3, variants=["baseline"])
    table = res.targets()
    assert table.loc[table["kind"] == "predict", "met"].isna().all()  # nothing to compare


def test_discharge_to_assess_variants_keep_their_sign_and_ranking_across_seeds():
    """The card's acceptance: every variant lowers delayed bed days, in the same order
    whatever the seed."""
    rankings = set()
    for seed in (2023, 7, 11):
        table = cp.run("discharge-to-assess", seed=seed).targets()
        changes = table[table["change"] == "relative"].set_index("variant")["model"]
        assert (changes < 0).all(), changes
        rankings.add(tuple(changes.sort_values().index))
    assert len(rankings) == 1, rankings
