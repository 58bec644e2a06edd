"""The what-if explorer: a grid of points, each the numbers cp.run gives
there, in one offline page whose sliders show them (in Chromium)."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys

import pytest

import carepath as cp
from browser import chromium_page
from carepath.errors import ScenarioError
from carepath.outputs.explorer import explore, levels_of

PARAM = "resources.clinician.capacity"
METRIC = "wait.see_clinician.mean"


def shown(text: str) -> float:
    return float(text)


def within_display_rounding(text: str, value: float) -> bool:
    """``text`` is ``value`` to 4 significant figures."""
    digits = math.floor(math.log10(abs(value))) - 3
    return abs(shown(text) - value) <= 0.5 * 10**digits * (1 + 1e-9)


def test_levels_of_a_range_and_a_list():
    assert levels_of("p", "5:7:3") == [5, 6, 7]
    assert levels_of("p", "5:7") == [5, 6, 7]
    assert levels_of("p", "0.5:1.5:3") == [0.5, 1.0, 1.5]
    assert levels_of("p", [1, 2]) == [1, 2]
    with pytest.raises(ScenarioError, match=r"--param p: must be LOW:HIGH"):
        levels_of("p", "a:b")
    with pytest.raises(ScenarioError, match="LOW <= HIGH"):
        levels_of("p", "7:5")


def test_the_cli_page_shows_cp_run_at_each_slider_position(tmp_path):
    page = tmp_path / "e.html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "carepath",
            "explore",
            "mm5",
            "--param",
            f"{PARAM}=5:7:3",
            "--replications",
            "20",
            "--out",
            str(page),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = page.read_text()
    # offline: nothing loaded from elsewhere (scripts inlined, no fetch)
    assert re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|fetch\(""", text) is None
    grid = json.loads(re.search(r'id="carepath-grid">(.*?)</script>', text, re.S).group(1))
    assert grid["params"] == [{"path": PARAM, "values": [5, 6, 7]}]
    expected = {}
    for capacity in (5, 6, 7):
        res = cp.run("mm5", replications=20, changes={PARAM: capacity})
        summary = res.summary().set_index(["variant", "metric"])
        expected[capacity] = float(summary.loc[("baseline", METRIC), "mean"])
    assert expected[5] > expected[6] > expected[7]  # the slider has something to show
    with chromium_page(page) as (p, errors):
        slider = p.locator(f'input[data-param="{PARAM}"]')
        values = json.loads(slider.get_attribute("data-values"))
        for capacity in (6, 7, 5):
            slider.fill(str(values.index(capacity)))  # fires input, as a drag does
            cell = p.locator(f'table[data-variant="baseline"] td[data-metric="{METRIC}"]')
            assert within_display_rounding(cell.inner_text(), expected[capacity]), capacity
            assert p.locator("#waits svg rect").count() >= 1
            assert p.locator("#curves svg polyline").count() >= 1
    assert errors == []


PEAK = "resources.phones.shifts[1].capacity"  # smart-triage's 08:00-11:00 extra staff


@pytest.fixture(scope="module")
def triage_grid():
    return explore("smart-triage", {PEAK: [5, 6]}, replications=3)


def test_the_grid_is_what_cp_run_gives_and_targets_are_checked_per_point(triage_grid):
    ex = triage_grid
    assert ex.variants == ["baseline", "smart_triage"]
    for point, staff in enumerate((5, 6)):
        res = cp.run("smart-triage", replications=3, changes={PEAK: staff})
        summary = res.summary().set_index(["variant", "metric"])
        rows = ex.grid[ex.grid["point"] == point]
        assert len(rows) == len(ex.variants) * len(ex.metrics)
        for row in rows.itertuples(index=False):
            assert row.mean == summary.loc[(row.variant, row.metric), "mean"]
        met = ex.targets[ex.targets["point"] == point]["met"].tolist()
        assert met == res.targets()["met"].tolist()
    # the report metrics: the targets', the derived, waits, utilisation
    assert {t.metric for t in cp.load("smart-triage").targets} <= set(ex.metrics)


def test_a_three_parameter_ten_level_page_stays_small(triage_grid):
    # the page's size is set by how many numbers it holds (each to 8
    # significant figures), not by their values: the real grid's numbers,
    # repeated to 1000 points, are what a 10 x 10 x 10 grid embeds
    from dataclasses import replace

    import pandas as pd

    ex = triage_grid
    levels = {
        PEAK: list(range(10)),
        "books.gp.slots[0].count": list(range(110, 120)),
        "books.gp.slots[1].count": list(range(88, 98)),
    }
    rows = ex.grid[ex.grid["point"] == 0]
    tiled = pd.concat([rows.assign(point=i) for i in range(1000)], ignore_index=True)
    met = ex.targets[ex.targets["point"] == 0]
    targets = pd.concat([met.assign(point=i) for i in range(1000)], ignore_index=True)
    big = replace(ex, params=levels, grid=tiled, targets=targets)
    size = len(big.html().encode())
    assert 200e3 < size < 10e6, size  # measured: 0.83 MB
