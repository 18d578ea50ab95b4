"""Two script runs can import the app's modules at the same moment (a click during the first page
load starts a second run). Each trial is a fresh interpreter whose threads import one module
each, released together by a barrier; any ImportError there ("partially initialized module") is
a page that fails for a visitor. With eager imports in `connectors/__init__.py` every trial of
the first group failed."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OWN = {"analytics", "alerts", "config", "connectors", "safe", "store", "sync", "teams", "ui"}

# A Streamlit server has imported these (and the standard library's typing, dataclasses, ...)
# long before a page's script runs: the race that matters is in our own packages.
ALREADY_LOADED = "import typing, dataclasses, numpy, pandas, streamlit, altair, requests, duckdb"

PROBE = f"""
import importlib, json, sys, threading
{ALREADY_LOADED}
names = sys.argv[1:]
barrier = threading.Barrier(len(names))
failed = []
def load(name):
    barrier.wait()
    try:
        importlib.import_module(name)
    except Exception as err:
        failed.append(f"{{name}}: {{type(err).__name__}}: {{err}}")
threads = [threading.Thread(target=load, args=(n,)) for n in names]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps(failed))
"""

CONNECTORS = [
    "connectors",
    "connectors.base",
    "connectors.builder",
    "connectors.firebender",
    "connectors.codefresh",
    "connectors.sandbox",
]


def is_module(name: str) -> bool:
    path = ROOT / name.replace(".", "/")
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def page_modules() -> list[str]:
    """Every module of ours that app.py or a page imports, plus the sandbox demo mode loads."""
    names = {"connectors.sandbox"}
    for entry in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        for node in ast.walk(ast.parse(entry.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return sorted(n for n in names if n.split(".")[0] in OWN and is_module(n))


def failures(modules: list[str]) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *modules],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("trial", range(4))
def test_the_connectors_package_imports_from_six_threads_at_once(trial):
    assert failures(CONNECTORS) == []


@pytest.mark.parametrize("trial", range(3))
def test_every_module_the_pages_import_loads_from_many_threads_at_once(trial):
    modules = page_modules()
    assert len(modules) > 15
    assert failures(modules) == []
