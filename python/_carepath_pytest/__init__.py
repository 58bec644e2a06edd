"""pytest plugin: a scenario's published figures as test items.

    pytest --carepath scenarios/            # every *.yaml under it
    pytest --carepath scenarios/ -k triage  # a scenario or a target by name

Each target of each scenario file is a test: it passes when the model's 95%
confidence interval lies within the published tolerance, fails with the
published figure, the model's value and its interval, and is skipped for
``kind: report``.  A file that does not load or run is one failing item.

pytest imports this module in every session where carepath is installed, so
it imports carepath only when ``--carepath`` is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

SUFFIXES = (".yaml", ".yml")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("carepath", "carepath scenario targets")
    group.addoption(
        "--carepath",
        action="append",
        default=[],
        metavar="PATH",
        help="collect the scenario files under PATH (a folder or a file): each target is a test",
    )
    group.addoption(
        "--carepath-replications", type=int, metavar="N", help="replications (default: each file's)"
    )
    group.addoption("--carepath-seed", type=int, metavar="S", help="seed (default: each file's)")
    group.addoption(
        "--carepath-ci-width",
        type=float,
        metavar="F",
        help="also fail a target whose 95%% CI is wider than F times its tolerance band "
        "(2 x tolerance): met by enough replications, not by a wide interval",
    )


def _roots(config: pytest.Config) -> list[Path]:
    return [Path(p).resolve() for p in config.getoption("carepath")]


def pytest_configure(config: pytest.Config) -> None:
    roots = [str(p) for p in _roots(config)]
    if not roots:
        return
    # collect the scenarios; instead of testpaths when no path was given
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        config.args.extend(r for r in roots if r not in config.args)
    else:
        config.args[:] = roots


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix not in SUFFIXES:
        return None
    path = file_path.resolve()
    if any(path == root or root in path.parents for root in _roots(parent.config)):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class TargetNotMet(Exception):
    """A published figure the model does not reproduce (or a load or run error)."""


class ScenarioFile(pytest.File):
    """A scenario file: one item per target, one run for them all."""

    _check: Any = None

    def collect(self) -> Any:
        import carepath as cp

        try:
            sc = cp.load(self.path)
        except cp.CarepathError as err:
            yield TargetItem.from_parent(self, name="load", index=-1, error=str(err))
            return
        seen: dict[str, int] = {}
        for j, target in enumerate(sc.targets):
            name = f"{target.label} [{target.variant}]"
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f"{name} #{seen[name]}"
            item = TargetItem.from_parent(self, name=name, index=j)
            item.extra_keyword_matches.add(sc.name)
            yield item

    def check(self) -> Any:
        """The scenario run once and its targets checked."""
        if self._check is None:
            from carepath.outputs.check import check_scenario

            self._check = check_scenario(
                str(self.path),
                replications=self.config.getoption("carepath_replications"),
                seed=self.config.getoption("carepath_seed"),
            )
        return self._check


class TargetItem(pytest.Item):
    """One target: the model's interval within the published tolerance."""

    def __init__(self, *, index: int, error: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.error = error

    def runtest(self) -> None:
        from carepath.outputs.check import failure_message

        if self.error is not None:
            raise TargetNotMet(self.error)
        check = self.parent.check()  # type: ignore[union-attr]
        if check.error is not None:
            raise TargetNotMet(f"{check.source}: {check.error}")
        row = check.table.iloc[self.index]
        if row["kind"] == "report":
            pytest.skip("report only: no published figure to meet")
        if not (row["met"] is not None and row["met"] == True):  # noqa: E712
            raise TargetNotMet(failure_message(row))
        width = self.config.getoption("carepath_ci_width")
        tolerance = row["tolerance"]
        has_band = width is not None and tolerance is not None and tolerance == tolerance
        if has_band and row["ci_high"] - row["ci_low"] > width * 2 * tolerance:
            raise TargetNotMet(
                f"{row['metric']}: the 95% CI [{row['ci_low']:.6g}, {row['ci_high']:.6g}] "
                f"is wider than {width:g} of the tolerance band +-{tolerance:.6g}: "
                "run more replications"
            )

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, TargetNotMet):
            return f"{self.parent.name}: {self.name}\n{excinfo.value}"  # type: ignore[union-attr]
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.path.name}::{self.name}"
