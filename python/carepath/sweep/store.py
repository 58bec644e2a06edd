"""A sweep's folder: a manifest, and one Parquet part per finished chunk of
consecutive points (``point-0000007.parquet`` for one point,
``points-0000008-0000015.parquet`` for several), written atomically, so that
an interrupted sweep resumes where it stopped."""

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

    def part(self, points: list[int]) -> Path:
        """The part holding ``points`` (consecutive ids)."""
        first, last = points[0], points[-1]
        if first == last:
            return self.parts / f"point-{first:07d}.parquet"
        return self.parts / f"points-{first:07d}-{last:07d}.parquet"

    def _finished(self) -> list[tuple[Path, range]]:
        if not self.parts.exists():
            return []
        out = []
        for path in self.parts.glob("point*.parquet"):
            ids = path.stem.split("-")[1:]
            if path.name.startswith("points-"):
                out.append((path, range(int(ids[0]), int(ids[1]) + 1)))
            else:
                out.append((path, range(int(ids[0]), int(ids[0]) + 1)))
        return sorted(out, key=lambda part: part[1].start)

    def done(self) -> set[int]:
        return {p for _, ids in self._finished() for p in ids}

    def write(self, points: list[int], frame: pd.DataFrame) -> None:
        with atomic_path(self.part(points)) as tmp:
            frame.to_parquet(tmp, index=False)

    def read(self) -> pd.DataFrame:
        """Every finished point, in point order."""
        return pd.concat([pd.read_parquet(path) for path, _ in self._finished()], ignore_index=True)
