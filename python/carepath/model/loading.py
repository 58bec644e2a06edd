"""Reading scenarios from YAML files and from the built-in library."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import ScenarioError
from ..io import atomic_path
from ..scenarios import builtin_folder, builtin_ids, builtin_text
from .scenario import Scenario
from .validation import validate_data


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys (PyYAML keeps the last silently)."""


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            mark = key_node.start_mark
            raise ScenarioError(
                "", f"line {mark.line + 1}: duplicate key '{key}' (each key may appear once)"
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)


def copy_builtin(scenario_id: str, dest: str | os.PathLike[str], overwrite: bool = False) -> Path:
    """Write built-in scenario ``scenario_id`` to ``dest`` (a file, or a folder
    to hold ``<id>.yaml``), atomically; returns the path written.  Its first
    line points the YAML language server at carepath's JSON Schema.

    Raises
    ------
    ScenarioError
        If the id is unknown, or ``dest`` exists and ``overwrite`` is false.
    """
    from .schema import modeline

    text = modeline() + builtin_text(scenario_id)  # editors then check it as you type
    path = Path(dest)
    if path.is_dir():
        path = path / f"{scenario_id}.yaml"
    if path.exists() and not overwrite:
        raise ScenarioError("", f"'{path}' exists; choose another name or pass --force")
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


# A scenario is a few hundred nodes; a YAML alias bomb (anchors nesting
# anchors) is billions once expanded, and everything that walks the result
# (validation, a report of the inputs) would expand it.
MAX_NODES = 1_000_000
MAX_BYTES = 10_000_000


def _expanded_size(root: yaml.Node) -> int:
    """Nodes in the document once every alias is expanded (each shared node
    counted as often as it is used), stopping past MAX_NODES."""
    sizes: dict[int, int] = {}
    order, todo = [], [root]
    while todo:  # children before parents, each node once
        node = todo.pop()
        if id(node) in sizes:
            continue
        sizes[id(node)] = -1
        order.append(node)
        if isinstance(node, yaml.MappingNode):
            todo += [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            todo += node.value
    for node in reversed(order):
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = node.value
        sizes[id(node)] = min(MAX_NODES + 1, 1 + sum(sizes[id(c)] for c in children))
    return sizes[id(root)]


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML text, turning syntax errors into a ScenarioError naming the
    line, and refusing a document that is too large once its aliases are
    expanded."""
    if len(text) > MAX_BYTES:
        raise ScenarioError(
            source, f"is {len(text):,} characters; a scenario is at most {MAX_BYTES:,}"
        )
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node) > MAX_NODES:
            raise ScenarioError(
                source,
                f"expands to more than {MAX_NODES:,} values through its aliases (&anchor, "
                "*alias): refused, as an alias bomb would be",
            )
        return loader.construct_document(node)
    except RecursionError:
        raise ScenarioError(source, "is nested too deeply to be a scenario") from None
    except ScenarioError as err:
        raise ScenarioError(source, err.problem) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ScenarioError(source, f"malformed YAML: {where}{err.problem}") from None
    except yaml.YAMLError as err:
        raise ScenarioError(source, f"malformed YAML: {err}") from None
    finally:
        loader.dispose()


def _not_a_file(path: Path, shown: str) -> str:
    """Why ``path`` cannot be read as a scenario file: say what it is."""
    if path.is_dir():
        return f"'{shown}' is a directory, not a scenario file; give the YAML file inside it"
    if path.exists():
        return f"'{shown}' is not a regular file (a device, pipe or socket): give a YAML file"
    if path.is_symlink():
        return f"'{shown}' is a broken symbolic link"
    builtins = ", ".join(builtin_ids())
    return f"scenario file '{shown}' does not exist (built-in scenarios: {builtins})"


def load(source: str | os.PathLike[str] | Mapping[str, Any] | Scenario) -> Scenario:
    """Load and validate a scenario.

    Parameters
    ----------
    source
        A built-in scenario id (``"mm5"``), a path to a YAML file, a mapping
        with the scenario's keys, or a
        [`Scenario`][carepath.model.scenario.Scenario] (returned as is).

    Returns
    -------
    Scenario
        The validated scenario, with its variants.

    Raises
    ------
    ScenarioError
        If the file is missing or malformed, or any field is invalid; the
        message names the field path and the bad value.
    """
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Mapping):
        return validate_data(dict(source), Scenario)
    text_source = str(source)
    path = Path(text_source)
    if path.suffix in (".yaml", ".yml") or path.exists() or "/" in text_source:
        if not path.is_file():
            raise ScenarioError("", _not_a_file(path, text_source))
        try:
            if path.stat().st_size > MAX_BYTES:
                raise ScenarioError(
                    "", f"'{text_source}' is {path.stat().st_size:,} bytes: not a scenario file"
                )
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as err:
            raise ScenarioError(
                "",
                f"'{text_source}' is not UTF-8 text (byte {err.object[err.start]:#04x} at "
                f"offset {err.start}): is it a scenario file?",
            ) from None
        except OSError as err:
            raise ScenarioError("", f"cannot read '{text_source}': {err.strerror or err}") from None
    else:
        if text_source not in builtin_ids():
            raise ScenarioError(
                "",
                f"'{text_source}' is neither a scenario file nor a built-in scenario "
                f"(built-ins: {', '.join(builtin_ids())})",
            )
        text = builtin_text(text_source)
        return validate_data(parse_yaml(text, path.name), Scenario, root=builtin_folder())
    return validate_data(parse_yaml(text, path.name), Scenario, root=path.resolve().parent)
