"""Plots: rendered headless, checked for their content (labels and data)."""

from __future__ import annotations

import numpy as np
import pytest

import carepath as cp
from carepath.results.target_table import ratio_interval

pytest.importorskip("matplotlib")


def render(fig) -> None:
    """Draw it (as savefig would), so layout or data errors surface."""
    fig.canvas.draw()


@pytest.fixture(scope="module")
def mm5_with_series():
    sc = cp.load("mm5").with_changes({"results.series": {"bin": 1}, "horizon": 2000 + 24 * 7 * 4})
    return cp.run(sc, replications=4)


def test_waits_are_bars_of_the_summary(mm5_with_series):
    res = mm5_with_series
    fig = res.plot.waits("see_clinician")
    render(fig)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "wait (hours)" and "see_clinician" in ax.get_title()
    summary = res.summary().set_index(["variant", "metric"])["mean"]
    heights = [bar.get_height() for bar in ax.patches]
    expected = [
        summary[(v, f"wait.see_clinician.{s}")]
        for v in res.variants
        for s in ("mean", "p50", "p90", "p95")
    ]
    assert heights == pytest.approx(expected)
    with pytest.raises(KeyError, match=r"wait\.nowhere"):
        res.plot.waits("nowhere")


def test_over_time_draws_the_mean_and_its_band(mm5_with_series):
    res = mm5_with_series
    fig = res.plot.over_time("queue_length.clinician")
    render(fig)
    ax = fig.axes[0]
    table = res.timeseries()
    rows = table[(table["series"] == "queue_length.clinician") & (table["variant"] == "baseline")]
    line = ax.get_lines()[0]
    assert line.get_ydata() == pytest.approx(rows["mean"].to_numpy())
    assert line.get_xdata() == pytest.approx(rows["bin_start"].to_numpy())
    assert len(ax.collections) == 2  # one CI band per variant
    assert ax.get_ylabel() == "queue_length.clinician"


def test_heat_map_by_hour_and_weekday(mm5_with_series):
    """Four whole weeks of hourly bins: each cell is the mean of its hour of the week,
    so the cells average to the mean over all bins."""
    res = mm5_with_series
    fig = res.plot.by_hour_and_weekday("busy.clinician")
    render(fig)
    grid = fig.axes[0].images[0].get_array()
    assert grid.shape == (7, 24)
    s = res.series["baseline"]
    busy = s.values[:, s.names.index("busy.clinician"), :]
    assert float(np.mean(grid)) == pytest.approx(float(busy.mean()))
    # t = 2000 h is Monday 08:00 (week hour 2000 mod 168 = 152: Sunday 08:00)
    assert grid[6, 8] == pytest.approx(float(busy[:, ::168].mean()))
    util = res.plot.by_hour_and_weekday("utilisation.clinician").axes[0].images[0].get_array()
    np.testing.assert_allclose(np.asarray(util), np.asarray(grid) / 5)  # five clinicians


def test_forest_plots_the_paired_relative_changes(mm5_with_series):
    res = mm5_with_series
    fig = res.plot.forest("six_clinicians")
    render(fig)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "wait.see_clinician.mean" in labels and "utilisation.clinician" in labels
    points = ax.get_lines()[0].get_xdata()
    a, b = res.values("baseline"), res.values("six_clinicians")
    for label, x in zip(labels, points):
        est, _, _, _ = ratio_interval(a[label].to_numpy(), b[label].to_numpy(), 0.95)
        assert x == pytest.approx(100 * est)
    assert "change from baseline" in ax.get_xlabel()


def test_psa_plane_and_ceac():
    rng = np.random.default_rng(1)
    import pandas as pd

    from carepath.analysis.economics import PSAResults

    draws = pd.DataFrame(
        {"delta_qaly": rng.normal(0.1, 0.02, 50), "delta_cost": rng.normal(2500, 500, 50)}
    )
    out = PSAResults(draws, "baseline", "new")
    fig = out.plot.plane(wtp=30000)
    render(fig)
    offsets = fig.axes[0].collections[0].get_offsets()
    assert np.asarray(offsets) == pytest.approx(draws[["delta_qaly", "delta_cost"]].to_numpy())
    fig = out.plot.ceac([0, 20000, 40000])
    render(fig)
    line = fig.axes[0].get_lines()[0]
    assert line.get_ydata() == pytest.approx(
        out.ceac([0, 20000, 40000])["probability_cost_effective"]
    )
    assert fig.axes[0].get_ylabel() == "probability cost-effective"


def test_cli_plot_writes_each_figure(tmp_path):
    from carepath.cli import main

    out = tmp_path / "figures"
    code = main(["plot", "mm5", "-n", "2", "--out", str(out), "--set", "results.series={bin: 100}"])
    assert code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "forest-six_clinicians.png",
        "over-time-arrivals.png",
        "over-time-busy.clinician.png",
        "over-time-exits.treated.png",
        "over-time-in_system.png",
        "over-time-queue_length.clinician.png",
        "waits-see_clinician.png",
    ]
    assert all((out / n).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for n in names)
