"""A sweep's folder: a manifest, and one Parquet part per finished chunk of
consecutive points (``point-0000007.parquet`` for one point,
``points-0000008-0000015.parquet`` for several), written atomically, so that
an interrupted sweep resumes where it stopped.

Several processes may write into one folder at once (the shards of a job
array): the manifest is created by the first (an exclusive link, so exactly
one wins) and checked by the others; each part is written by the one
process that runs its points; a temporary part names its writer's host and
process, so a resuming process clears only what a dead process on its own
host left.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import FolderError
from ..io import atomic_path

MANIFEST = "manifest.json"


def fingerprint(obj: Any) -> str:
    """A stable hash of JSON-able data."""
    text = json.dumps(obj, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def writer_tag() -> str:
    """This process as it appears in its temporary parts: host and pid."""
    host = socket.gethostname().replace(".", "_") or "host"
    return f"{host}-{os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


class SweepStore:
    """The folder of one sweep."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.parts = self.folder / "parts"
        self.shards = self.folder / "shards"

    def open(self, manifest: dict[str, Any]) -> None:
        """Create the folder, or check that it holds this same sweep."""
        path = self.folder / MANIFEST
        self.parts.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # written whole under a name of this process's, then linked into
            # place: of several processes starting at once exactly one creates it
            tmp = self.folder / f".{MANIFEST}.{writer_tag()}"
            try:
                with open(tmp, "w") as fh:
                    fh.write(json.dumps(manifest, indent=1, default=str))
                    fh.flush()
                    os.fsync(fh.fileno())
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                tmp.unlink(missing_ok=True)
        if self.manifest().get("fingerprint") != manifest["fingerprint"]:
            raise FolderError(
                f"{self.folder} holds another sweep (a different scenario, design, seed "
                "or version); use a new folder, or delete it to start again"
            )
        self.clear_stale()

    def clear_stale(self, everyone: bool = False) -> None:
        """Remove temporary parts left by killed processes (SIGKILL leaves
        the temporary file of the part being written; the part itself was
        never written): those of dead processes on this host, or with
        ``everyone`` all of them (when no process can be writing)."""
        host = writer_tag().rsplit("-", 1)[0]
        for stale in self.parts.glob(".*.part"):
            fields = stale.name.split(".")
            writer = fields[-3] if len(fields) >= 4 else ""
            where, _, pid = writer.rpartition("-")
            dead = where == host and pid.isdigit() and not _alive(int(pid))
            if everyone or dead or not writer:
                stale.unlink(missing_ok=True)

    def manifest(self) -> dict[str, Any]:
        path = self.folder / MANIFEST
        if not path.exists():
            raise FolderError(f"{self.folder} is not a sweep folder (no {MANIFEST})")
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
        with atomic_path(self.part(points), tag=writer_tag()) as tmp:
            frame.to_parquet(tmp, index=False)

    def read(self) -> pd.DataFrame:
        """Every finished point, in point order."""
        return pd.concat([pd.read_parquet(path) for path, _ in self._finished()], ignore_index=True)
