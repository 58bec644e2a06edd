"""The public API is pinned, and importing carepath is cheap.

``carepath.__all__`` names what ``import carepath as cp`` offers (docs/api.md
renders each); the heavy libraries load when a name is first used, so the
command line starts quickly (docs/performance.md, "Start-up").
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import carepath as cp

PUBLIC = [
    "CarepathError",
    "PSAResults",
    "Results",
    "Scenario",
    "ScenarioError",
    "Selection",
    "SimulationError",
    "SweepResult",
    "__version__",
    "abc",
    "animate",
    "builtin_ids",
    "calibrate",
    "explore",
    "fit",
    "load",
    "psa",
    "run",
    "select_best",
    "sensitivity",
    "sweep",
]

# what the modules built on Results add to it (as pandas' DataFrame.plot)
ACCESSORS = [
    "targets",
    "economics",
    "occupancy_distribution",
    "p_delay",
    "warmup_analysis",
    "explore",
    "animate",
    "plot",
    "_repr_html_",
]

HEAVY = ("pandas", "pydantic", "scipy", "matplotlib", "pyarrow", "dask", "yaml")


def test_the_public_names_are_pinned_and_each_resolves():
    assert cp.__all__ == PUBLIC
    for name in PUBLIC:
        assert getattr(cp, name) is not None
        assert name in dir(cp)
    assert callable(cp.sweep) and callable(cp.run)  # the functions, not the subpackages
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = cp.nothing


def test_results_accessors_are_there_before_their_modules_load():
    code = (
        "import sys, carepath as cp\n"
        "res = cp.run('mm5', replications=2)\n"
        f"names = {ACCESSORS!r}\n"
        "print(all(hasattr(res, n) for n in names), callable(res.targets), "
        "type(res.plot).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "RunPlots"]


@pytest.mark.parametrize(
    "statement",
    [
        "import carepath",
        "import carepath.cli.entry as m; m._build_parser().format_help()",
    ],
)
def test_starting_imports_none_of_the_heavy_libraries(statement):
    code = f"import sys\n{statement}\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_first_use_loads_what_it_needs():
    code = "import sys, carepath as cp\ncp.load\nprint('pydantic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_the_version_is_looked_up_when_asked_for(capsys):
    from carepath.cli import main

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"carepath {cp.__version__}\n"
