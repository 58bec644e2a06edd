"""Field types shared by the scenario models."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

Name = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*$")]


def _no_bool(value: Any) -> Any:
    # YAML's `yes` is a bool, and pydantic would read it as 1
    if isinstance(value, bool):
        raise ValueError(f"must be a whole number, got {value!r}")
    return value


# Counts the engine holds in 32 bits (capacities) or 64 bits (seeds).
Count = Annotated[int, BeforeValidator(_no_bool)]
MAX_CAPACITY = 10**9
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
