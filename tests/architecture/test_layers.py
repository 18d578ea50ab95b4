"""The house rules, read from the source: Streamlit only in `ui/`, `pages/` and `app.py`;
imports only point down the layers; package `__init__`s import no submodule eagerly.

The layers, lowest first (README, Architecture). A module may import its own package and any
package of a lower layer, never one of the same layer or above."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = [
    {"safe", "teams"},  # inert text; the teams mapping and privacy rules
    {"config"},  # setting names and how they resolve
    {"connectors"},  # vendor HTTP, typed frames, the sandbox
    {"store"},  # the Parquet history store
    {"alerts"},  # anomaly, forecast and budget rules; the assessment
    {"analytics"},  # measures, metrics and each screen's report, read through a Reader
    {"sync"},  # fills the store (command line and a page's missing days), sends alerts
    {"ui"},  # everything Streamlit
    {"pages", "app"},  # the entry point and one file per page
]
LEVEL = {package: i for i, layer in enumerate(LAYERS) for package in layer}
STREAMLIT_ALLOWED = {"ui", "pages", "app"}


def our_modules() -> list[Path]:
    found = [ROOT / "app.py"] if (ROOT / "app.py").is_file() else []
    for package in LEVEL:
        folder = ROOT / package
        if folder.is_dir():
            found.extend(sorted(folder.rglob("*.py")))
    return found


def package_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0].removesuffix(".py")


def imported(path: Path) -> list[tuple[int, str, bool]]:
    """(line, absolute module, at module level) of every import in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    here = parts[:-1]  # the package a relative import starts from
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, a.name, id(node) in top_level) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
                if node.module is None:
                    for a in node.names:
                        found.append((node.lineno, f"{module}.{a.name}", id(node) in top_level))
                    continue
            else:
                module = node.module or ""
            found.append((node.lineno, module, id(node) in top_level))
    return found


def test_the_layers_cover_every_package_of_ours():
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}
    assert packages - {"tests", "bench"} <= set(LEVEL), packages - set(LEVEL)


def test_streamlit_is_imported_only_by_the_ui_package_pages_and_app():
    wrong = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in our_modules()
        if package_of(path) not in STREAMLIT_ALLOWED
        for line, module, _ in imported(path)
        if module.split(".")[0] == "streamlit"
    ]
    assert not wrong, "Streamlit outside ui/: " + ", ".join(wrong)


def test_imports_only_point_down_the_layers():
    wrong = []
    for path in our_modules():
        mine = package_of(path)
        for line, module, _ in imported(path):
            theirs = module.split(".")[0]
            if theirs in LEVEL and theirs != mine and LEVEL[theirs] >= LEVEL[mine]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not wrong, "imports that point up or sideways:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    "init",
    [p.relative_to(ROOT) for p in sorted(ROOT.glob("**/__init__.py")) if package_of(p) in LEVEL],
    ids=str,
)
def test_a_package_init_imports_no_submodule_of_its_own_eagerly(init):
    path = ROOT / init
    package = ".".join(init.parent.parts)
    eager = [
        f"{init}:{line} imports {module}"
        for line, module, top in imported(path)
        if top and module.startswith(package + ".")
    ]
    assert not eager, "eager submodule imports (use a lazy __getattr__, PEP 562): " + ", ".join(
        eager
    )


def test_the_rules_catch_what_they_forbid(tmp_path):
    """The checks above see a violation when one is there (they would otherwise pass on
    nothing): an analytics module importing Streamlit and ui, and an __init__ importing eagerly."""
    fake = tmp_path / "analytics"
    fake.mkdir()
    (fake / "__init__.py").write_text("from .bad import x\n")
    (fake / "bad.py").write_text("import streamlit as st\nfrom ui import loaders\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        bad = imported(tmp_path / "analytics" / "bad.py")
        assert {m for _, m, _ in bad} == {"streamlit", "ui"}
        with pytest.raises(AssertionError, match="Streamlit outside ui"):
            test_streamlit_is_imported_only_by_the_ui_package_pages_and_app()
        with pytest.raises(AssertionError, match="analytics/bad.py:2 imports ui"):
            test_imports_only_point_down_the_layers()
        with pytest.raises(AssertionError, match="eager submodule"):
            test_a_package_init_imports_no_submodule_of_its_own_eagerly(
                Path("analytics/__init__.py")
            )
    finally:
        ROOT = saved
