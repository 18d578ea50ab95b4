"""Importing app_imports imports, in one go, every module the pages import, and app.py and every
page import it first: a second script run started during the first load waits for it and finds
the modules imported rather than racing through them (the browser test
test_secrets_in_browser clicks a page link during the first load, which failed with
"partially initialized module 'connectors.base'" before)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OWN = {"analytics", "alerts", "app_imports", "connectors", "store", "sync", "teams"}
ENTRIES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]


def page_imports() -> set[str]:
    names = set()
    for page in ENTRIES:
        for node in ast.walk(ast.parse(page.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def is_module(name: str) -> bool:
    path = ROOT / name.replace(".", "/")
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def test_every_module_a_page_imports_is_loaded_by_one_call():
    probe = "import json, sys; import app_imports; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    wanted = {name for name in page_imports() if name.split(".")[0] in OWN - {"app_imports"}}
    # `from analytics import ui` names a module; `from alerts import MEASURES` names a value.
    modules = {name for name in wanted if is_module(name)}
    assert len(modules) > 20
    assert modules - loaded == set()


def test_app_and_every_page_import_it_before_any_module_of_their_own():
    for entry in ENTRIES:
        first = next(
            node
            for node in ast.parse(entry.read_text()).body
            if isinstance(node, ast.Import | ast.ImportFrom)
            and (node.module if isinstance(node, ast.ImportFrom) else node.names[0].name).split(
                "."
            )[0]
            in OWN
        )
        assert isinstance(first, ast.Import) and first.names[0].name == "app_imports", entry.name
