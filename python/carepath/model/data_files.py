"""Data files a scenario points at (CSV or Parquet): where they are, and
their columns as checked numbers.

A file is read once per process and kept while it is unchanged on disk
(its size and modification time), so that loading, compiling and every
point of a sweep share one copy however many replications run.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ScenarioError

if TYPE_CHECKING:
    import numpy as np

SUFFIXES = (".csv", ".parquet", ".pq")


def resolve(text: str, root: Path | None) -> str:
    """``text`` as an absolute path: a relative one is taken from ``root``
    (the scenario file's folder; the working directory when there is none)."""
    path = Path(os.path.expanduser(text))
    if not path.is_absolute():
        path = (root if root is not None else Path.cwd()) / path
    return str(path.resolve())


def stamp(path: str, where: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ScenarioError(where, f"data file '{path}' does not exist") from None
    except OSError as err:
        raise ScenarioError(where, f"cannot read data file '{path}': {err.strerror}") from None
    if not Path(path).is_file():
        raise ScenarioError(where, f"'{path}' is not a file")
    return st.st_size, st.st_mtime_ns


@lru_cache(maxsize=16)
def _read(path: str, size: int, mtime_ns: int) -> Any:
    import pandas as pd

    if path.lower().endswith((".parquet", ".pq")):
        return pd.read_parquet(path)
    return pd.read_csv(path, skipinitialspace=True)


def read_table(path: str, where: str) -> Any:
    """The file at ``path`` as a pandas DataFrame (shared: do not modify it).

    Raises
    ------
    ScenarioError
        Naming ``where`` if the file is missing, of another kind, damaged or empty.
    """
    if not path.lower().endswith(SUFFIXES):
        raise ScenarioError(
            where, f"'{Path(path).name}' is not a .csv or .parquet file: give one of those"
        )
    size, mtime = stamp(path, where)
    try:
        frame = _read(path, size, mtime)
    except ScenarioError:
        raise
    except Exception as err:  # pandas and pyarrow raise many kinds for a damaged file
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ScenarioError(where, f"cannot read '{Path(path).name}': {first}") from None
    if len(frame) == 0:
        raise ScenarioError(where, f"'{Path(path).name}' has no rows")
    return frame


def column(frame: Any, name: str, where: str, path: str) -> Any:
    """Column ``name`` of ``frame``, or an error listing the columns there are."""
    if name not in frame.columns:
        have = ", ".join(map(str, frame.columns))
        raise ScenarioError(where, f"'{Path(path).name}' has no column '{name}' (columns: {have})")
    return frame[name]


def numbers(values: Any, where: str, what: str) -> np.ndarray:
    """A column as finite float64 numbers, or an error naming the first bad row."""
    import numpy as np
    import pandas as pd

    converted = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = np.flatnonzero(~np.isfinite(converted))
    if bad.size:
        row = int(bad[0])
        raise ScenarioError(
            where, f"{what} must be numbers, got {cell(values.iloc[row])} in row {row + 1}"
        )
    return np.ascontiguousarray(converted)


def cell(value: Any) -> str:
    """A cell of a file as an error message shows it."""
    import pandas as pd

    if isinstance(value, str):
        return repr(value)
    if pd.isna(value):
        return "an empty cell"
    return str(value.item() if hasattr(value, "item") else value)


def is_numeric(values: Any) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(values))


def times(values: Any, origin: str | None, hours_per_unit: float, where: str) -> np.ndarray:
    """A column of times as time units since t = 0: numbers already in the
    scenario's unit, or timestamps counted from ``origin``."""
    import numpy as np
    import pandas as pd

    if is_numeric(values):
        if origin is not None:
            raise ScenarioError(where, "holds numbers, so origin (for timestamps) does not apply")
        return numbers(values, where, "times")
    if origin is None:
        raise ScenarioError(
            where,
            f"holds timestamps ({cell(values.iloc[0])}): give origin, the date and time of t = 0",
        )
    stamps = pd.to_datetime(values, errors="coerce")
    bad = np.flatnonzero(stamps.isna().to_numpy())
    if bad.size:
        row = int(bad[0])
        raise ScenarioError(
            where, f"cannot read {cell(values.iloc[row])} in row {row + 1} as a time"
        )
    zero = pd.Timestamp(origin)
    if stamps.dt.tz is not None and zero.tz is None:
        zero = zero.tz_localize(stamps.dt.tz)
    hours = (stamps - zero).dt.total_seconds().to_numpy() / 3600.0
    return np.ascontiguousarray(hours / hours_per_unit)
