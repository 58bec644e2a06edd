"""The HTML report: its content, written atomically, and rendered in a real browser."""

from __future__ import annotations

import base64
import re

import pytest

import carepath as cp
from browser import IMAGE_SIZES, chromium_page
from carepath.cli import main
from carepath.outputs.plots import figures
from carepath.outputs.report import report_html

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def copd():
    sc = cp.load("copd-campaign")
    return sc, cp.run(sc, replications=3)


def test_report_holds_targets_figures_inputs_and_versions(copd):
    sc, res = copd
    page = report_html(res, sc)
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == len(list(figures(res)))
    assert all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in images)
    for label in (t.label for t in sc.targets):
        assert label.replace('"', "&quot;") in page or label in page
    assert "seed 71" in page and "cohort: 11348" in page
    assert f">{cp.__version__}<" in page
    assert "http" not in page.replace("http-equiv", "")  # self-contained: nothing fetched


def test_cli_report_writes_the_page_and_figures(tmp_path):
    out = tmp_path / "report.html"
    code = main(["report", "mm5", "-n", "2", "--out", str(out), "--figures", str(tmp_path / "f")])
    assert code == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in (tmp_path / "f").iterdir()) == [
        "forest-six_clinicians.png",
        "waits-see_clinician.png",
    ]
    assert not list(tmp_path.glob(".*.part"))  # nothing half-written left behind


def test_report_renders_in_headless_chromium(tmp_path, copd):
    sc, res = copd
    path = tmp_path / "report.html"
    path.write_text(report_html(res, sc))
    with chromium_page(path) as (page, errors):
        sizes = page.eval_on_selector_all("img", IMAGE_SIZES)
        title = page.title()
        rows = page.eval_on_selector_all("table tr", "els => els.length")
    assert errors == []
    assert len(sizes) == len(list(figures(res))) and all(
        done and w > 100 and h > 100 for done, w, h in sizes
    )
    assert title == "carepath: copd-campaign" and rows > 10
