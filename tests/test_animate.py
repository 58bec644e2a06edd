"""The patients' flow animated with vidigi: the events in its vocabulary
follow the engine's log, and the page plays in Chromium, offline."""

from __future__ import annotations

import subprocess
import sys

import pytest

import carepath as cp
from browser import chromium_page

pytest.importorskip("vidigi", reason="pip install 'carepath[app]'")

from carepath.outputs.animation import animate


def test_the_events_follow_the_log_and_servers_are_never_shared():
    res = cp.run("mm5", replications=1, changes={"results.event_log": {"max_events": 10**7}})
    a = res.animate()
    first, last = a.window
    assert last - first == 24.0  # a day, in mm5's hours
    ev = a.events
    use = ev[ev["event_type"] == "resource_use"]
    end = ev[ev["event_type"] == "resource_use_end"]
    # every service has its server (1..5 clinicians), freed at its end
    assert set(use["resource_id"]) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert len(end) <= len(use)
    # no two patients on one server at once: replay the starts and ends
    busy: dict[float, object] = {}
    for row in (
        ev[ev["event_type"].isin(["resource_use", "resource_use_end"])]
        .sort_values("time", kind="stable")
        .itertuples()
    ):
        if row.event_type == "resource_use":
            assert row.resource_id not in busy
            busy[row.resource_id] = row.entity_id
        else:
            assert busy.pop(row.resource_id) == row.entity_id
    # the busiest day: no other day has more arrivals
    log = res.event_log
    days = (log.loc[log["event"] == "arrive", "time"] // 24).value_counts()
    assert days.loc[first // 24] == days.max()


def test_the_cli_animation_of_smart_triage_plays_in_chromium(tmp_path):
    page = tmp_path / "flow.html"
    done = subprocess.run(
        [sys.executable, "-m", "carepath", "animate", "smart-triage", "--out", str(page)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert page.stat().st_size < 30e6
    text = page.read_text()
    assert '<script src="http' not in text  # plotly.js inlined: offline
    with chromium_page(page) as (p, errors):
        p.wait_for_function("document.querySelector('.plotly-graph-div') !== null")
        frames = p.evaluate(
            "document.querySelector('.plotly-graph-div')._transitionData._frames.length"
        )
        assert frames >= 20
        # step through a frame in the middle: the patients drawn move
        p.evaluate(
            """() => { const g = document.querySelector('.plotly-graph-div');
            const names = g._transitionData._frames.map(f => f.name);
            return Plotly.animate(g, [names[Math.floor(names.length / 2)]],
              {mode: 'immediate', transition: {duration: 0},
               frame: {duration: 0, redraw: true}}); }"""
        )
        points = p.locator(".plotly-graph-div .scatterlayer .point").count()
        assert points > 0
    assert errors == []


def test_a_window_and_a_variant_are_chosen_and_checked():
    a = animate("mm5", variant="six_clinicians", start=3000.0, end=3004.0)
    assert a.window == (3000.0, 3004.0) and len(a.figure.frames) >= 20
    with pytest.raises(cp.ScenarioError, match="no patient in the window"):
        animate("mm5", start=100.0, end=104.0)  # in the warm-up: nobody is logged
    with pytest.raises(cp.ScenarioError, match="no variant 'nope'"):
        animate("mm5", variant="nope")
    with pytest.raises(cp.ScenarioError, match="must end after it starts"):
        animate("mm5", start=5.0, end=5.0)
