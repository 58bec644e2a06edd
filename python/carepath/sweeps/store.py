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
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from ..errors import FolderError, FolderWarning
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

    def __init__(self, folder: str | os.PathLike[str]) -> None:
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
        try:
            manifest = json.loads(path.read_text())
            manifest["fingerprint"]
        except (ValueError, KeyError, TypeError) as err:
            raise FolderError(
                f"{path} is damaged ({type(err).__name__}: {err}); run the sweep again with "
                "--restart (restart=True) to start the folder over: its parts are deleted"
            ) from None
        return manifest  # type: ignore[no-any-return]

    def restart(self) -> None:
        """Delete the sweep in the folder: manifest, parts, shard records."""
        for sub in (self.parts, self.shards):
            if sub.exists():
                for path in sub.iterdir():
                    path.unlink(missing_ok=True)
        (self.folder / MANIFEST).unlink(missing_ok=True)

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the folder for one whole (unsharded) sweep: a second one
        started into it meanwhile is refused; a lock left by a killed process
        on this host is taken over."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / "lock"
        me = writer_tag()
        for _ in range(2):
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = path.read_text().strip() if path.exists() else ""
                where, _, pid = holder.rpartition("-")
                if where == me.rsplit("-", 1)[0] and pid.isdigit() and not _alive(int(pid)):
                    path.unlink(missing_ok=True)  # its sweep was killed
                    continue
                raise FolderError(
                    f"another carepath sweep ({holder or 'unknown'}) is writing {self.folder}; "
                    "wait for it (running this again then finishes at once), or split the "
                    "sweep into shards (--shard K/N), which share a folder"
                ) from None
            with os.fdopen(fd, "w") as fh:
                fh.write(me)
            break
        try:
            yield
        finally:
            path.unlink(missing_ok=True)

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

    def done(self, verify: bool = False) -> set[int]:
        """The points written.  With ``verify``, a part that cannot be read
        (truncated, not Parquet) is set aside as ``NAME.damaged`` with a
        warning, and its points count as not done: they are run again."""
        points: set[int] = set()
        for path, ids in self._finished():
            if verify:
                try:
                    pq.read_metadata(path)
                except (OSError, ValueError) as err:  # pyarrow's ArrowInvalid is a ValueError
                    with suppress(FileNotFoundError):  # another shard set it aside first
                        path.replace(path.with_name(path.name + ".damaged"))
                    warnings.warn(
                        f"{path} is damaged ({err}); its points will be run again",
                        FolderWarning,
                        stacklevel=2,
                    )
                    continue
            points.update(ids)
        return points

    def write(self, points: list[int], frame: pd.DataFrame) -> None:
        with atomic_path(self.part(points), tag=writer_tag()) as tmp:
            frame.to_parquet(tmp, index=False)

    def read(self) -> pd.DataFrame:
        """Every finished point, in point order.

        Raises
        ------
        FolderError
            If a part cannot be read: running the sweep again recomputes it.
        """
        frames = []
        for path, _ in self._finished():
            try:
                frames.append(pd.read_parquet(path))
            except (OSError, ValueError) as err:
                raise FolderError(
                    f"{path} is damaged ({err}); run the sweep again to recompute its points"
                ) from None
        return pd.concat(frames, ignore_index=True)
