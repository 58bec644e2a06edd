"""The docs site builds strictly (a broken link or reference fails) and its
API reference lists every public name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import carepath as cp

ROOT = Path(__file__).resolve().parents[1]


def test_docs_site_builds_strictly_and_lists_the_public_api(tmp_path):
    if not (ROOT / "mkdocs.yml").is_file():
        pytest.skip("needs the source tree (mkdocs.yml)")
    for module in ("mkdocs", "material", "mkdocstrings_handlers.python"):
        pytest.importorskip(module, reason="needs the docs extra: pip install '.[docs]'")
    site = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    api = (site / "api" / "index.html").read_text()
    for name in cp.__all__:
        obj = getattr(cp, name)
        ident = f"carepath.{name}" if name == "__version__" else f"{obj.__module__}.{name}"
        assert f'id="{ident}"' in api, f"the API reference does not list cp.{name}"
    for page in ("getting-started", "sweeps", "ci-and-notebooks", "scenarios/smart-triage"):
        assert (site / page / "index.html").is_file()
