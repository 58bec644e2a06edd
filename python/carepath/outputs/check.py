"""Holding scenarios to their published figures in CI: ``carepath check``.

Each scenario is run as ``carepath run`` runs it and its targets are
checked; the outcome is a table per scenario, JUnit XML for CI test
reporters, or JSON.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ScenarioError, SimulationError
from ..model import builtin_ids, load

SUFFIXES = (".yaml", ".yml")


@dataclass
class ScenarioCheck:
    """One scenario's targets against its run (or why it could not run).

    Attributes
    ----------
    source
        The built-in id or file it came from.
    name
        The scenario's name (the source, if it did not load).
    table
        ``Results.targets()``: one row per target.
    text
        The target table as ``carepath run`` prints it.
    seconds
        How long loading and running took.
    error
        Why the scenario could not be loaded or run; None if it ran.
    """

    source: str
    name: str
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    text: str = ""
    seconds: float = 0.0
    error: str | None = None

    @property
    def failed(self) -> pd.DataFrame:
        """The targets not met (report-only targets are never failures)."""
        if self.table.empty:
            return self.table
        checked = self.table[self.table["kind"] != "report"]
        return checked[checked["met"] != True]  # noqa: E712 (None: not met either)

    @property
    def passed(self) -> bool:
        return self.error is None and self.failed.empty


def scenario_sources(items: list[str]) -> list[str]:
    """Built-in ids, files, and every ``*.yaml`` under each folder (sorted), in order.

    Raises
    ------
    ScenarioError
        For an item that is none of these.
    """
    out: list[str] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            out += sorted(str(p) for p in path.rglob("*") if p.suffix in SUFFIXES)
        elif path.is_file() or item in builtin_ids():
            out.append(item)
        else:
            raise ScenarioError(
                "", f"'{item}' is not a built-in scenario id, a scenario file or a folder"
            )
    return list(dict.fromkeys(out))


def check_scenario(
    source: str,
    replications: int | None = None,
    seed: int | None = None,
    threads: int = 0,
    changes: dict[str, Any] | None = None,
) -> ScenarioCheck:
    """Run one scenario and check its targets; a scenario that cannot be
    loaded or run is reported with its error, not raised."""
    from ..engine.run import run
    from .text_tables import target_text

    start = time.perf_counter()
    name = Path(source).name  # until the scenario loads and gives its own
    try:
        sc = load(source)
        name = sc.name
        if changes:
            sc = sc.with_changes(changes)
        res = run(sc, replications=replications, seed=seed, threads=threads)
        table = res.targets()
        text = target_text(res) if len(table) else f"{sc.name}: no targets"
    except (ScenarioError, SimulationError, OSError) as err:
        return ScenarioCheck(source, name, seconds=time.perf_counter() - start, error=str(err))
    return ScenarioCheck(source, name, table, text, time.perf_counter() - start)


def check_scenarios(
    sources: list[str], on_done: Callable[[ScenarioCheck], None] | None = None, **options: Any
) -> Iterator[ScenarioCheck]:
    """`check_scenario` for each source, as each finishes."""
    for source in sources:
        result = check_scenario(source, **options)
        if on_done is not None:
            on_done(result)
        yield result


def _met(value: Any) -> bool:
    return value is not None and bool(value == True)  # noqa: E712 (numpy bools too)


def _number(x: Any) -> str:
    if x is None or (isinstance(x, float) and x != x):
        return "-"
    return f"{x:.6g}" if isinstance(x, float) else str(x)


def failure_message(row: pd.Series) -> str:
    """Why a target is not met, with the published figure, its tolerance, the
    model's value and its 95% CI."""
    if isinstance(row["published"], str):  # expect: lower / higher
        wanted = f"{row['published']} than baseline (CI clear of zero)"
    else:
        wanted = f"{_number(row['published'])} +- {_number(row['tolerance'])}"
    change = "" if row["change"] == "none" else f" ({row['change']} change)"
    if row["n"] == 0:
        return f"{row['metric']}{change}: not estimated (variant {row['variant']} not run)"
    return (
        f"{row['metric']}{change} in {row['variant']}: published {wanted}; model "
        f"{_number(row['model'])}, 95% CI [{_number(row['ci_low'])}, {_number(row['ci_high'])}]"
        f" over {row['n']} replications: not within the tolerance"
    )


def junit_xml(checks: list[ScenarioCheck]) -> str:
    """JUnit XML: one testsuite per scenario, one testcase per target (report
    targets skipped); a scenario that could not run is one testcase in error."""
    root = ET.Element("testsuites", name="carepath check")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for check in checks:
        suite = ET.SubElement(root, "testsuite", name=check.name, file=check.source)
        counts = dict.fromkeys(totals, 0)
        if check.error is not None:
            case = ET.SubElement(suite, "testcase", classname=check.name, name="load and run")
            ET.SubElement(case, "error", message=check.error).text = check.error
            counts["tests"] = counts["errors"] = 1
        for _, row in check.table.iterrows():
            case = ET.SubElement(
                suite,
                "testcase",
                classname=check.name,
                name=f"{row['label']} [{row['variant']}]",
            )
            counts["tests"] += 1
            if row["kind"] == "report":
                counts["skipped"] += 1
                shown = f"report only: model {_number(row['model'])}"
                ET.SubElement(case, "skipped", message=shown)
            elif not _met(row["met"]):
                counts["failures"] += 1
                message = failure_message(row)
                ET.SubElement(case, "failure", message=message, type="TargetNotMet").text = message
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", f"{check.seconds:.3f}")
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def json_records(checks: list[ScenarioCheck]) -> list[dict[str, Any]]:
    """One record per scenario: its source, name, error, whether it passed,
    and its targets as records."""
    out = []
    for check in checks:
        targets = check.table.astype(object).where(check.table.notna(), None)
        out.append(
            {
                "source": check.source,
                "scenario": check.name,
                "passed": check.passed,
                "error": check.error,
                "seconds": round(check.seconds, 3),
                "targets": targets.to_dict(orient="records"),
            }
        )
    return out
