"""Screenshots for docs/presenting.md: the what-if explorer and the
animation of smart-triage, rendered in headless Chromium (Playwright).

python docs/gallery/make_presenting.py
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

import carepath as cp

HERE = Path(__file__).parent
PEAK = "resources.phones.shifts[1].capacity"
SAME_DAY = "books.gp.slots[0].count"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        explorer = Path(tmp) / "explore.html"
        flow = Path(tmp) / "flow.html"
        cp.explore(
            "smart-triage",
            {PEAK: [3, 6, 9], SAME_DAY: [100, 120, 140]},
            replications=10,
            out=explorer,
        )
        cp.animate("smart-triage", out=flow)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium"), args=["--no-sandbox"]
            )
            page = browser.new_page(viewport={"width": 1100, "height": 1500})
            page.goto(explorer.as_uri())
            page.locator(f'input[data-param="{PEAK}"]').fill("2")
            page.screenshot(path=str(HERE / "explore-smart-triage.png"), full_page=False)
            page = browser.new_page(viewport={"width": 1100, "height": 1300})
            page.goto(flow.as_uri())
            page.evaluate(
                """() => { const g = document.querySelector('.plotly-graph-div');
                const names = g._transitionData._frames.map(f => f.name);
                return Plotly.animate(g, [names[60]], {mode: 'immediate',
                  transition: {duration: 0}, frame: {duration: 0, redraw: true}}); }"""
            )
            page.wait_for_timeout(500)
            page.screenshot(path=str(HERE / "animate-smart-triage.png"), full_page=True)
            browser.close()
    print("wrote docs/gallery/explore-smart-triage.png, animate-smart-triage.png")


if __name__ == "__main__":
    main()
