"""Calibration and ABC recover parameters from data the model generated."""

from __future__ import annotations

import pytest

import carepath as cp

SC = cp.load("mm5").with_changes({"horizon": 4000, "warmup": 500})
TRUTH = 4.2


@pytest.fixture(scope="module")
def targets():
    """The 'observed' data: the model's own metrics at the true arrival rate."""
    means = (
        cp.run(SC, replications=3, changes={"arrivals[0].rate": TRUTH}, variants=["baseline"])
        .values("baseline")
        .mean()
    )
    return {m: float(means[m]) for m in ("wait.see_clinician.mean", "utilisation.clinician")}


def test_calibrate_recovers_the_rate(targets):
    best = cp.calibrate(SC, targets, {"arrivals[0].rate": (3.8, 4.4)}, replications=3)
    assert best.params["arrivals[0].rate"] == pytest.approx(TRUTH, abs=1e-3)
    assert best.distance < 1e-3
    assert len(best.history) <= 200


def test_abc_posterior_concentrates_on_the_rate(targets):
    post = cp.abc(
        SC,
        targets,
        {"arrivals[0].rate": (3.8, 4.4)},
        particles=30,
        generations=3,
        replications=3,
        executor="serial",
    )
    rates = post.particles["arrivals[0].rate"]
    assert post.mean()["arrivals[0].rate"] == pytest.approx(TRUTH, abs=0.05)
    assert rates.std() < 0.6 / 12**0.5 / 2  # at most half the prior's sd
    assert post.tolerances[0] == float("inf") and post.tolerances[2] < post.tolerances[1]
    assert post.particles["weight"].sum() == pytest.approx(1.0)


def test_cli_calibrate(tmp_path, capsys, targets):
    from carepath.cli import main

    spec = tmp_path / "cal.yaml"
    spec.write_text(
        "scenario: mm5\nreplications: 3\n"
        f"targets: {{wait.see_clinician.mean: {targets['wait.see_clinician.mean']}}}\n"
        "params:\n  arrivals.0.rate: [3.8, 4.4]\n"
    )
    assert main(["calibrate", str(spec)]) == 0
    # the full-length mm5 reaches this wait at another rate: the target is what counts
    out = capsys.readouterr().out
    assert out.startswith("arrivals.0.rate: ")
    assert float(out.split("distance ")[1].split()[0]) < 1e-3
