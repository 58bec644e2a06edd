"""``carepath check``: a folder of scenarios against their targets."""

from __future__ import annotations

import argparse
import json

from ..errors import ScenarioError
from .common import option_changes
from .exit_codes import EXIT_OK, EXIT_TARGETS, EXIT_USAGE


def check_command(args: argparse.Namespace) -> int:
    from ..outputs.check import (
        ScenarioCheck,
        check_scenarios,
        json_records,
        junit_xml,
        scenario_sources,
    )

    if args.variants:
        raise ScenarioError("--variant", "check runs every variant its targets name")
    changes = option_changes(args)

    def show(check: ScenarioCheck) -> None:
        if not args.json:
            print(f"{check.source}: error: {check.error}\n" if check.error else f"{check.text}\n")

    checks = list(
        check_scenarios(
            scenario_sources(args.sources),
            on_done=show,
            replications=args.replications,
            seed=args.seed,
            threads=args.threads,
            changes=changes,
        )
    )
    if args.junit_xml:
        from ..io import atomic_path

        with atomic_path(args.junit_xml) as tmp:
            tmp.write_text(junit_xml(checks), encoding="utf-8")
    errors = [c for c in checks if c.error is not None]
    failed = [c for c in checks if c.error is None and not c.passed]
    if args.json:
        print(json.dumps(json_records(checks), indent=1, default=str))
    else:
        targets = sum(int((c.table["kind"] != "report").sum()) for c in checks if len(c.table))
        missed = sum(len(c.failed) for c in checks)
        print(
            f"carepath check: {len(checks)} scenarios, {targets - missed} of {targets} "
            f"targets met, {len(errors)} could not run"
        )
    if errors:
        return EXIT_USAGE
    return EXIT_TARGETS if failed else EXIT_OK
