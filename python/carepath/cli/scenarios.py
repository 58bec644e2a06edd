"""``carepath scenarios`` (list, show, copy, validate) and ``carepath schema``."""

from __future__ import annotations

import argparse

from .exit_codes import EXIT_OK


def scenarios_command(args: argparse.Namespace) -> int:
    from ..model import load
    from ..model.loading import copy_builtin, parse_yaml
    from ..scenarios import builtin_ids, builtin_text

    if args.action == "list":
        rows = []
        for sid in builtin_ids():
            data = parse_yaml(builtin_text(sid), f"{sid}.yaml")
            rows.append((sid, data.get("description", ""), data.get("source", {}).get("title", "")))
        widths = [max(len(r[i]) for r in [("id", "description", ""), *rows]) for i in (0, 1)]
        for sid, description, title in [("id", "description", "source"), *rows]:
            print(f"{sid:<{widths[0]}}  {description:<{widths[1]}}  {title}".rstrip())
    elif args.action == "show":
        print(builtin_text(args.id), end="")
    elif args.action == "copy":
        dest = copy_builtin(args.id, args.dest, overwrite=args.force)
        print(f"wrote {dest}; run it with: carepath run {dest}")
    else:
        from ..engine.run import check_outputs

        sc = load(args.file)
        check_outputs(sc)
        print(
            f"{args.file}: valid ({len(sc.pathway)} steps, variants: {', '.join(sc.variant_names)})"
        )
    return EXIT_OK


def schema_command(args: argparse.Namespace) -> int:
    from ..model.schema import schema_text

    print(schema_text(), end="")
    return EXIT_OK
