"""Changing a scenario by dotted path (``resources.clinician.capacity: 6``)."""

from __future__ import annotations

import copy
import re
from typing import Any

from ..errors import ScenarioError


def split_path(path: str) -> list[str]:
    """``arrivals[0].rate`` as ``['arrivals', '0', 'rate']``."""
    # arrivals[0].rate and arrivals.0.rate are the same path
    parts = re.sub(r"\[(-?\d+)\]", r".\1", path).split(".")
    if not path or any(p == "" for p in parts):
        raise ScenarioError(
            path or "<empty>", "not a dotted path such as resources.clinician.capacity"
        )
    return parts


def apply_patches(data: dict[str, Any], patches: dict[str, Any]) -> dict[str, Any]:
    """Return a deep copy of ``data`` with each ``path: value`` of ``patches`` set.

    Intermediate keys must exist; the last key may be new in a mapping (a new
    resource, say).  List items are addressed by index: ``arrivals[0].rate``
    or ``arrivals.0.rate``.
    """
    out = copy.deepcopy(data)
    for path, value in patches.items():
        parts = split_path(str(path))
        node: Any = out
        for depth, key in enumerate(parts):
            last = depth == len(parts) - 1
            where = ".".join(parts[: depth + 1])
            if isinstance(node, list):
                if not key.lstrip("-").isdigit() or not -len(node) <= int(key) < len(node):
                    raise ScenarioError(path, f"'{where}': no item {key} in a list of {len(node)}")
                if last:
                    node[int(key)] = copy.deepcopy(value)
                else:
                    node = node[int(key)]
            elif isinstance(node, dict):
                if last:
                    node[key] = copy.deepcopy(value)
                elif key not in node:
                    known = ", ".join(map(str, node)) or "none"
                    raise ScenarioError(path, f"'{where}' does not exist (there: {known})")
                else:
                    node = node[key]
            else:
                raise ScenarioError(path, f"'{'.'.join(parts[:depth])}' is a value, not a mapping")
    return out
