"""A JSON Schema of the scenario format, for editors and other tools.

Generated from the pydantic models (their docstrings are the descriptions)
and shipped as ``carepath/scenario.schema.json``; ``carepath schema`` prints
it, and ``carepath scenarios copy`` points the YAML language server at it so
that editors complete keys and flag typos as you type.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).parents[1] / "scenario.schema.json"


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file."""
    from .scenario import Scenario

    schema = Scenario.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "carepath scenario",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def schema_text() -> str:
    """The schema as the shipped file holds it."""
    return json.dumps(scenario_schema(), indent=1, sort_keys=True) + "\n"


def modeline() -> str:
    """The first line of a scenario file that points the YAML language server
    at the installed schema."""
    return f"# yaml-language-server: $schema={SCHEMA_PATH.as_uri()}\n"
