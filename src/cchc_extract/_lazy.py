"""A package whose public names are imported from their modules on first use (PEP 562).

``cchc_extract`` and ``cchc_extract.export`` each list their public names in ``_WHERE`` (name ->
submodule) and call ``lazy_package(__name__)``: ``import cchc_extract`` or writing one report's
JSON then loads only what it uses.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


class LazyPackage(types.ModuleType):
    """Importing a submodule sets it as an attribute of its package; where the submodule's name
    is that of a public function (``normalize``, ``segment``, ``summary``), the name stays the
    function, as it was when the package imported everything at once (the submodule is in
    ``sys.modules`` all the same)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and name in self.__dict__["_WHERE"]:
            return
        super().__setattr__(name, value)

    def __getattr__(self, name: str) -> Any:
        module = self.__dict__["_WHERE"].get(name)
        if module is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{self.__name__}.{module}"), name)
        self.__dict__[name] = value
        return value

    def __dir__(self) -> list[str]:
        return sorted({*self.__dict__, *self.__dict__["_WHERE"]})


def lazy_package(name: str) -> None:
    """Make the package ``name`` (whose ``_WHERE`` is set) import its public names on first use."""
    sys.modules[name].__class__ = LazyPackage
