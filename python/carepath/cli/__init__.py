"""The ``carepath`` command line: one module per command group; the parser and
how each failure ends in `carepath.cli.entry`, the exit codes in
`carepath.cli.exit_codes`."""

from .entry import main

__all__ = ["main"]
