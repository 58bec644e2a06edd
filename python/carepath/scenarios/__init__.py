"""The built-in scenario library (YAML files, read with ``carepath scenarios``).

Listing and reading them needs no scenario model: ``carepath --help`` names
them without importing pydantic.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..errors import ScenarioError

BUILTIN_PACKAGE = "carepath.scenarios"


def builtin_ids() -> list[str]:
    """Ids of the scenarios shipped with carepath, sorted."""
    folder = resources.files(BUILTIN_PACKAGE)
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def builtin_text(scenario_id: str) -> str:
    """The YAML text of a built-in scenario."""
    if scenario_id not in builtin_ids():
        raise ScenarioError(
            "", f"no built-in scenario '{scenario_id}' (built-ins: {', '.join(builtin_ids())})"
        )
    return resources.files(BUILTIN_PACKAGE).joinpath(f"{scenario_id}.yaml").read_text("utf-8")


def builtin_folder() -> Path:
    """The folder of the built-in scenarios: their data files' paths start here."""
    return Path(str(resources.files(BUILTIN_PACKAGE)))


def builtin_log(scenario_id: str) -> Path | None:
    """The event log shipped for a built-in scenario (for ``carepath fit``),
    or None when it has none."""
    path = builtin_folder() / "logs" / f"{scenario_id}.csv"
    return path if path.is_file() else None
