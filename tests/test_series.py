"""Time series: levels per bin, by hand and against the run's own time averages."""

from __future__ import annotations

import pytest

import carepath as cp
from pathways import scenario


def test_bins_by_hand():
    """Patients at 1 and 2.5 h stay 3 h at a delay step, then 2 h with the one gp:
    the first at the step 1-4 and with the gp 4-6; the second at the step 2.5-5.5,
    queueing 5.5-6 and with the gp 6-8.  Bins of 2 h over [0, 8]."""
    res = cp.run(
        scenario(
            {
                "stay": {"delay": {"dist": "fixed", "value": 3}, "then": "see"},
                "see": {"seize": "gp", "service": {"dist": "fixed", "value": 2}, "then": "out"},
                "out": {"exit": "done"},
            },
            [{"name": "a", "schedule": {"times": [1.0, 2.5]}, "start": "stay"}],
            resources={"gp": {"capacity": 1}},
            horizon=8.0,
            replications=1,
            results={"series": {"bin": 2}, "occupancy": ["stay"]},
        )
    )
    t = res.timeseries().pivot(index="bin_start", columns="series", values="mean")
    # patient 1: stay 1-4, gp 4-6; patient 2: stay 2.5-5.5, queue 5.5-6, gp 6-8
    assert t["occupancy.stay"].tolist() == pytest.approx([0.5, 1.75, 0.75, 0.0])
    assert t["busy.gp"].tolist() == pytest.approx([0, 0, 1, 1])
    assert t["queue_length.gp"].tolist() == pytest.approx([0, 0, 0.25, 0])
    assert t["in_system"].tolist() == pytest.approx([0.5, 1.75, 2.0, 1.0])
    assert list(t.index) == [0, 2, 4, 6]


def test_bin_means_average_to_the_run_time_averages():
    """Over equal bins covering the window, the mean of the bin levels is the window's
    time average: in_system.mean, utilisation x capacity, queue_length.*.mean."""
    sc = cp.load("mm5").with_changes({"results.series": {"bin": "1 day"}, "horizon": 4400})
    res = cp.run(sc, replications=3, variants=["baseline"])
    for rep in range(3):
        series = res.series["baseline"]
        metrics = res.values("baseline").iloc[rep]
        by_name = dict(zip(series.names, series.values[rep]))
        assert by_name["in_system"].mean() == pytest.approx(metrics["in_system.mean"], rel=1e-9)
        assert by_name["busy.clinician"].mean() == pytest.approx(
            5 * metrics["utilisation.clinician"], rel=1e-9
        )
        assert by_name["queue_length.clinician"].mean() == pytest.approx(
            metrics["queue_length.clinician.mean"], rel=1e-9
        )
    table = res.timeseries()
    assert set(table["series"]) == {
        "in_system",
        "busy.clinician",
        "queue_length.clinician",
        "capacity.clinician",
        "arrivals",  # the counts kept by default
        "exits.treated",
    }
    assert (table["ci_low"] <= table["mean"]).all() and (table["mean"] <= table["ci_high"]).all()


def test_no_series_asked_no_series():
    res = cp.run("mm5", replications=2)
    assert res.series == {}
    with pytest.raises(ValueError, match=r"results: \{series"):
        res.timeseries()


def test_too_many_bins_names_the_field():
    sc = cp.load("mm5").with_changes({"results.series": {"bin": 0.0001}})
    with pytest.raises(cp.ScenarioError, match=r"results\.series\.bin"):
        cp.run(sc, replications=1)
