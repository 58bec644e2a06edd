"""Reading an event log for ``carepath fit``: a CSV, Parquet or XES file,
a DataFrame or carepath's own event log, as activity instances with
numeric times from one origin, checked row by row."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from ..model.clock import UNIT_HOURS

if TYPE_CHECKING:
    pass

# the prefix of the log's other columns (maybe case attributes), as read
ATTRIBUTE = "attribute:"


class LogError(ScenarioError):
    """The event log cannot be fitted (a missing column, a bad row)."""


def carepath_log(frame: pd.DataFrame) -> pd.DataFrame:
    """carepath's own event log (``res.event_log``) as activity instances:
    each start..complete at a step with a resource, joined at its queue; a
    hold (its complete at its start) lasts until its release, as a bed
    episode in a hospital's extract does."""
    log = frame
    if "variant" in log.columns:
        log = log[log["variant"] == log["variant"].iloc[0]]
    if "replication" in log.columns:
        log = log[log["replication"] == log["replication"].min()]
    key = ["patient", "step"]
    starts = log[(log["event"] == "start") & log["resource"].notna()]
    ends = log[log["event"] == "complete"]
    joined = log[log["event"] == "schedule"]
    rows = starts.merge(ends[[*key, "time"]], on=key, suffixes=("", "_end"))
    rows = rows.merge(joined[[*key, "time"]].rename(columns={"time": "joined"}), on=key, how="left")
    rows = rows[rows["time_end"] >= rows["time"]].drop_duplicates(key)
    rows = _held_until_release(rows, log[log["event"] == "release"])
    return pd.DataFrame(
        {
            "case": rows["patient"].to_numpy(),
            "activity": rows["step"].astype(str).to_numpy(),
            "start": rows["time"].to_numpy(),
            "end": rows["time_end"].to_numpy(),
            "arrival": rows["joined"].fillna(rows["time"]).to_numpy(),
            "resource": rows["resource"].astype(str).to_numpy(),
        }
    )


def _held_until_release(rows: pd.DataFrame, releases: pd.DataFrame) -> pd.DataFrame:
    """Each hold's end moved to the patient's next release of its resource."""
    if releases.empty:
        return rows
    rows = rows.assign(resource=rows["resource"].astype(str)).sort_values("time", kind="stable")
    given = releases.assign(resource=releases["resource"].astype(str))[
        ["patient", "resource", "time"]
    ].rename(columns={"time": "released"})
    rows = pd.merge_asof(
        rows,
        given.sort_values("released", kind="stable"),
        left_on="time",
        right_on="released",
        by=["patient", "resource"],
        direction="forward",
    )
    held = (rows["time_end"] == rows["time"]) & rows["released"].notna()
    rows.loc[held, "time_end"] = rows.loc[held, "released"]
    return rows.drop(columns="released")


def read_xes(path: str) -> pd.DataFrame:
    """An XES log (through pm4py) as activity instances: each activity's
    `start` event paired with its next `complete` in the same case (a
    complete alone is an instant)."""
    try:
        import pm4py
    except ImportError:
        raise ImportError("reading XES needs pm4py: pip install 'carepath[mining]'") from None
    import contextlib
    import io
    import os

    if not os.path.isfile(path):
        raise LogError("log", f"'{path}' does not exist")
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            events = pm4py.read_xes(path, show_progress_bar=False)
        except Exception as err:  # a damaged file: pm4py raises many kinds
            raise LogError("log", f"cannot read '{os.path.basename(path)}' as XES: {err}") from None
    for col in ("case:concept:name", "concept:name", "time:timestamp"):
        if col not in events.columns:
            raise LogError("log", f"the XES events have no '{col}'")
    life = events.get("lifecycle:transition", pd.Series("complete", index=events.index))
    events = events.assign(life=life.astype(str).str.lower())
    if "org:resource" not in events.columns:
        events = events.assign(**{"org:resource": None})
    rows = []
    for (case, activity), group in events.groupby(
        ["case:concept:name", "concept:name"], sort=False
    ):
        group = group.sort_values("time:timestamp", kind="stable")
        started = None
        for stamp, life_, who in zip(
            group["time:timestamp"], group["life"], group["org:resource"], strict=True
        ):
            if life_ == "start":
                started = stamp
            elif life_ == "complete":
                rows.append((case, activity, stamp if started is None else started, stamp, who))
                started = None
    out = pd.DataFrame(rows, columns=["case", "activity", "start", "end", "resource"])
    for col in ("start", "end"):
        out[col] = pd.to_datetime(out[col], utc=True).dt.tz_localize(None)
    if out["resource"].isna().all():
        out = out.drop(columns=["resource"])
    return out


def read_log(
    log: str | Path | pd.DataFrame,
    columns: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The log as activity instances, its columns renamed to ``case``,
    ``activity``, ``start``, ``end`` (and ``arrival``, ``resource`` when
    present): a CSV, Parquet or XES file (or the id of a built-in scenario
    whose log carepath ships), a DataFrame, or carepath's own event log.

    Raises
    ------
    LogError
        Naming the column, or the row, of the first problem.
    """
    if isinstance(log, pd.DataFrame):
        frame = log
    elif str(log).lower().endswith(".xes"):
        frame = read_xes(str(log))
    else:
        from ..model.data_files import read_table, resolve
        from ..scenarios import builtin_log

        shipped = None if Path(str(log)).exists() else builtin_log(str(log))
        path = str(shipped) if shipped is not None else resolve(str(log), None)
        frame = read_table(path, "log")
    unit = frame.attrs.get("time_unit")  # carepath's own log knows its unit
    if {"patient", "step", "event", "time"} <= set(frame.columns):
        frame = carepath_log(frame)
    names = {"case": "case", "activity": "activity", "start": "start", "end": "end"}
    names.update({k: v for k, v in (columns or {}).items() if v})
    for key in ("arrival", "resource"):
        names.setdefault(key, key)
    out = pd.DataFrame()
    for key, col in names.items():
        if col in frame.columns:
            out[key] = frame[col].to_numpy()
        elif key in ("case", "activity", "start", "end"):
            have = ", ".join(map(str, frame.columns))
            raise LogError("log", f"has no column '{col}' for the {key} (columns: {have})")
    used = {names[k] for k in names if names[k] in frame.columns}
    for col in frame.columns:  # the others may be case attributes
        if col not in used:
            out[f"{ATTRIBUTE}{col}"] = frame[col].to_numpy()
    if unit is not None:
        out.attrs["time_unit"] = unit
    return out


def _times(values: pd.Series, name: str, unit: str, optional: bool) -> pd.Series:
    """A column of times checked row by row: numbers (in ``unit``) as floats,
    or timestamps parsed; an empty cell only where ``optional``."""
    numeric = pd.api.types.is_numeric_dtype(values)
    parsed = values.astype(float) if numeric else pd.to_datetime(values, errors="coerce")
    bad = parsed.isna().to_numpy() & ~(optional & values.isna().to_numpy())
    if numeric:
        bad |= ~np.isfinite(parsed.to_numpy(dtype=float, na_value=0.0))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        what = "not a number" if numeric else f"cannot read {values.iloc[row]!r} as a time"
        raise LogError("log", f"column '{name}', row {row + 1}: {what}")
    return parsed


def prepare(frame: pd.DataFrame, unit: str) -> tuple[pd.DataFrame, pd.Timestamp | None]:
    """Numeric times from one origin (the earliest timestamp), checked,
    sorted by case and start."""
    out = frame.copy()
    stamps = [c for c in ("start", "end", "arrival") if c in out.columns]
    parsed = {c: _times(out[c], c, unit, optional=c == "arrival") for c in stamps}
    origin = None
    if not pd.api.types.is_numeric_dtype(parsed["start"]):
        origin = min(parsed[c].min() for c in stamps if parsed[c].notna().any())
    for c in stamps:
        if origin is None:
            out[c] = parsed[c]
        else:
            out[c] = (parsed[c] - origin).dt.total_seconds().to_numpy() / 3600.0 / UNIT_HOURS[unit]
    backwards = np.flatnonzero(out["end"].to_numpy() < out["start"].to_numpy())
    if backwards.size:
        row = int(backwards[0])
        end_, start_ = out["end"].iloc[row], out["start"].iloc[row]
        raise LogError("log", f"row {row + 1}: end ({end_:g}) is before start ({start_:g})")
    out["case"] = out["case"].astype(str)
    out["activity"] = out["activity"].astype(str)
    if out["case"].nunique() < 2:
        raise LogError("log", "has one case: a model needs at least two to fit arrivals")
    out = out.sort_values(["case", "start", "end"], kind="stable").reset_index(drop=True)
    previous_end = out.groupby("case")["end"].shift(1)
    first = out.groupby("case")["start"].transform("min")
    queue = previous_end.fillna(first)
    if "arrival" in out.columns:
        queue = out["arrival"].astype(float).fillna(queue)
    out["queue"] = np.minimum(queue.to_numpy(dtype=float), out["start"].to_numpy())
    return out, origin
