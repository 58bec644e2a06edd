"""The event log of a run (``results.event_log``): columns from the engine,
a pandas DataFrame, and its export to Parquet and to XES (through pm4py)
for process mining."""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..io import atomic_path

if TYPE_CHECKING:
    from ..model import Scenario

# In the engine's order (cpp/include/carepath/event_log.hpp).
EVENTS = (
    "arrive",
    "schedule",
    "start",
    "complete",
    "renege",
    "balk",
    "dna",
    "full",
    "exit",
    "release",
)
# XES lifecycle transitions of each event (the standard lifecycle model).
LIFECYCLE = {
    "arrive": "complete",
    "schedule": "schedule",
    "start": "start",
    "complete": "complete",
    "renege": "withdraw",
    "balk": "withdraw",
    "dna": "ate_abort",
    "full": "withdraw",
    "exit": "complete",
    "release": "complete",
}
# Time 0 is put on this Monday when timestamps are needed (XES).
EPOCH = pd.Timestamp("2024-01-01")


def event_log_frame(columns: dict[str, Any], sc: Scenario, variant: str) -> pd.DataFrame:
    """The engine's columns as a DataFrame with named steps, events and resources."""
    steps = list(sc.pathway)
    resources = list(sc.resources)
    dropped = int(np.sum(columns["dropped"]))
    if dropped:
        warnings.warn(
            f"variant {variant}: the event log kept {sc.results.event_log.max_events:,} "  # type: ignore[union-attr]
            f"events a replication and dropped {dropped:,}; raise results.event_log.max_events",
            stacklevel=3,
        )
    resource = np.asarray(columns["resource"], np.int32)
    return pd.DataFrame(
        {
            "variant": pd.Categorical([variant] * len(resource)),
            "replication": np.asarray(columns["replication"]),
            "patient": np.asarray(columns["patient"]),
            "step": pd.Categorical.from_codes(
                np.asarray(columns["step"], np.int32), pd.Index(steps)
            ),
            "event": pd.Categorical.from_codes(
                np.asarray(columns["event"], np.int8), pd.Index(EVENTS)
            ),
            "time": np.asarray(columns["time"]),
            "resource": pd.Categorical.from_codes(resource, pd.Index(resources)),  # -1: none
        }
    )


def to_parquet(log: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write an event log to Parquet atomically."""
    with atomic_path(path) as tmp:
        log.to_parquet(tmp, index=False)


def to_pm4py(
    log: pd.DataFrame, hours_per_unit: float = 1.0, start_hour: float = 0.0
) -> pd.DataFrame:
    """The log in pm4py's column names: a case per (variant, replication,
    patient), the step as the activity, a lifecycle transition and a
    timestamp (time 0 on Monday 1 January 2024, plus ``start_hour`` hours).

    Needs pm4py (``pip install 'carepath[mining]'``) only to be used by it.
    """
    case = (
        log["variant"].astype(str)
        + "/"
        + log["replication"].astype(str)
        + "/"
        + log["patient"].astype(str)
    )
    hours = start_hour + log["time"].to_numpy() * hours_per_unit
    frame = pd.DataFrame(
        {
            "case:concept:name": case,
            "concept:name": log["step"].astype(str),
            "lifecycle:transition": log["event"].astype(str).map(LIFECYCLE),
            "time:timestamp": EPOCH + pd.to_timedelta(hours, unit="h"),
            "org:resource": log["resource"].astype(object).where(log["resource"].notna(), ""),
            "carepath:event": log["event"].astype(str),
        }
    )
    return frame.sort_values(["case:concept:name", "time:timestamp"], kind="stable")


def to_xes(
    log: pd.DataFrame,
    path: str | os.PathLike[str],
    hours_per_unit: float = 1.0,
    start_hour: float = 0.0,
) -> None:
    """Write an event log to XES through pm4py, atomically.

    Raises
    ------
    ImportError
        If pm4py is not installed, saying how to install it.
    """
    try:
        import pm4py
    except ImportError:
        raise ImportError("XES export needs pm4py: pip install 'carepath[mining]'") from None
    frame = to_pm4py(log, hours_per_unit, start_hour)
    with atomic_path(path, keep_suffix=True) as tmp:  # pm4py goes by the suffix
        pm4py.write_xes(frame, str(tmp))
