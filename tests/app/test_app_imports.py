"""app_imports.load() imports, in one go, every module the pages import, so a second script run
started during the first load finds them imported rather than racing it (the browser test
test_secrets_in_browser clicks a page link during the first load, which failed with
"partially initialized module 'connectors.base'" before)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def page_imports() -> set[str]:
    names = set()
    for page in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
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
    probe = (
        "import json, sys; import app_imports; app_imports.load(); "
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    own = {"analytics", "alerts", "connectors", "store", "sync", "teams"}
    wanted = {name for name in page_imports() if name.split(".")[0] in own}
    # `from analytics import ui` names a module; `from alerts import MEASURES` names a value.
    modules = {name for name in wanted if is_module(name)}
    assert len(modules) > 20
    assert modules - loaded == set()
