"""The ``carepath`` command line: one module per command group, the parser and
the exit codes in `carepath.cli.main`."""

from .main import main

__all__ = ["main"]
