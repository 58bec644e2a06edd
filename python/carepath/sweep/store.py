"""A sweep's folder: a manifest, and one Parquet part per finished point,
written atomically, so that an interrupted sweep resumes where it stopped."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd

from ..io import atomic_path

MANIFEST = "manifest.json"


def fingerprint(obj: Any) -> str:
    """A stable hash of JSON-able data."""
    text = json.dumps(obj, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class SweepStore:
    """The folder of one sweep."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.parts = self.folder / "parts"

    def open(self, manifest: dict[str, Any]) -> None:
        """Create the folder, or check that it holds this same sweep."""
        path = self.folder / MANIFEST
        if path.exists():
            old = json.loads(path.read_text())
            if old.get("fingerprint") != manifest["fingerprint"]:
                raise ValueError(
                    f"{self.folder} holds another sweep (a different scenario, design, seed "
                    "or version); use a new folder, or delete it to start again"
                )
            # a part being written when the last run was killed (SIGKILL leaves
            # its temporary file; the part itself was never written)
            for stale in self.parts.glob(".*.part"):
                stale.unlink(missing_ok=True)
            return
        self.parts.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(manifest, indent=1, default=str))

    def manifest(self) -> dict[str, Any]:
        path = self.folder / MANIFEST
        if not path.exists():
            raise ValueError(f"{self.folder} is not a sweep folder (no {MANIFEST})")
        return json.loads(path.read_text())

    def part(self, point: int) -> Path:
        return self.parts / f"point-{point:07d}.parquet"

    def done(self) -> set[int]:
        if not self.parts.exists():
            return set()
        return {int(p.stem.split("-")[1]) for p in self.parts.glob("point-*.parquet")}

    def write(self, point: int, frame: pd.DataFrame) -> None:
        with atomic_path(self.part(point)) as tmp:
            frame.to_parquet(tmp, index=False)

    def read(self, points: list[int]) -> pd.DataFrame:
        return pd.concat([pd.read_parquet(self.part(p)) for p in sorted(points)], ignore_index=True)
