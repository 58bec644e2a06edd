"""Attributes that a module in a layer above defines, looked up when first used.

``Results`` is plain data; its ``plot``, ``targets``, ``economics`` ... live in
the modules built on it, which add them with ``Results.register`` when they are
imported (as pandas keeps ``DataFrame.plot`` in ``pandas.plotting``).  A
`DefinedAbove` placeholder names that module, so that ``res.plot``
works whether or not anything imported it yet, and ``import carepath`` need
not import matplotlib to make it so.
"""

from __future__ import annotations

import importlib
from typing import Any


class DefinedAbove:
    """A class attribute that ``module`` replaces with the real one on import."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        owner = type(obj) if owner is None else owner
        importlib.import_module(self.module)
        for klass in owner.__mro__:
            if self.name in klass.__dict__:
                if klass.__dict__[self.name] is self:
                    where = f"{owner.__name__}.{self.name}"
                    raise AttributeError(f"{self.module} did not define {where}")
                break
        return getattr(obj if obj is not None else owner, self.name)
