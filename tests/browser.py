"""A page opened in headless Chromium (Playwright drives Debian's Chromium),
for the tests that render carepath's HTML; skipped, saying why, where
either is missing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

# each image's [loaded, natural width, natural height]
IMAGE_SIZES = "els => els.map(e => [e.complete, e.naturalWidth, e.naturalHeight])"


@contextmanager
def chromium_page(path: Path) -> Iterator[tuple[Any, list[str]]]:
    """The page at ``path``, and the errors it logs (console and uncaught)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install 'carepath[browser]'")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("needs a Chromium: apt-get install chromium")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            yield page, errors
        finally:
            browser.close()
