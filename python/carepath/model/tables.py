"""Lists read from a file where a scenario takes a list: a profile's rates,
an empirical distribution's values and weights, a book's slots.

``{file: rates.csv, column: rate}`` stands for the column's values in
order; the scenario then holds the numbers themselves, so a run is the
same, bit for bit, as with the numbers typed in, and variants and sweep
workers need no file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationInfo

from ..errors import ScenarioError
from .data_files import column, numbers, read_table, resolve


class TableColumn(BaseModel):
    """A column of a CSV or Parquet file, read in order."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str
    column: str


class TableRows(BaseModel):
    """The rows of a CSV or Parquet file, each a mapping of the keys
    (``columns`` renames: key -> column)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str
    columns: dict[str, str] | None = None


def _root(info: ValidationInfo) -> Path | None:
    root = (info.context or {}).get("root")
    return None if root is None else Path(root)


def _column_values(value: Any, info: ValidationInfo) -> Any:
    if not (isinstance(value, dict) and "file" in value):
        return value
    ref = TableColumn.model_validate(value)
    try:
        path = resolve(ref.file, _root(info))
        frame = read_table(path, "")
        values = numbers(column(frame, ref.column, "", path), "", f"column '{ref.column}'")
    except ScenarioError as err:  # as a ValueError pydantic names the field's whole path
        raise ValueError(err.problem) from None
    return [float(v) for v in values]


def _rows(value: Any, info: ValidationInfo) -> Any:
    if not (isinstance(value, dict) and "file" in value):
        return value
    ref = TableRows.model_validate(value)
    try:
        path = resolve(ref.file, _root(info))
        frame = read_table(path, "")
        names = ref.columns or {str(c): str(c) for c in frame.columns}
        for col in names.values():
            column(frame, col, "", path)
    except ScenarioError as err:
        raise ValueError(err.problem) from None
    rows = []
    for record in frame[list(names.values())].to_dict("records"):
        row: dict[str, Any] = {}
        for key, col in names.items():
            cell = record[col]
            if cell is None or (isinstance(cell, float) and cell != cell):
                continue  # an empty cell: the key's default
            if key == "days" and isinstance(cell, str):
                cell = cell.split()  # "mon wed fri"
            elif key == "count" and isinstance(cell, float) and cell.is_integer():
                cell = int(cell)
            row[key] = cell
        rows.append(row)
    return rows


def _schema(kind: type[BaseModel]) -> Any:
    return list[Any] | kind


# A list that may be given as {file, column}.
FromTable = BeforeValidator(_column_values, json_schema_input_type=_schema(TableColumn))
# A list of mappings that may be given as {file, columns}: one a row.
RowsFromTable = BeforeValidator(_rows, json_schema_input_type=_schema(TableRows))
