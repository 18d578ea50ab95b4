"""Re-exports that import their submodule on first use (PEP 562), for package `__init__`s.

A package that imports its submodules eagerly while they import each other hands a second
thread importing at the same moment a half-built module ("partially initialized module"): two
Streamlit script runs can import at once. Imports only the standard library."""

from __future__ import annotations

import importlib
import sys


def exports(package: str, names: dict[str, str], submodules=()):
    """`__getattr__` and `__dir__` for `package`: `names` maps a public name to the submodule
    defining it; `submodules` are returned as modules."""
    here = sys.modules[package]  # the package being initialised

    def __getattr__(name: str):
        if name in submodules:
            return importlib.import_module(f".{name}", package)
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", package), name)
        setattr(here, name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(here), *names, *submodules})

    return __getattr__, __dir__
