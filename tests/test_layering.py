"""Imports flow one way: app -> callbacks -> layouts -> dashboard. dashboard never imports Dash."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "dashboard": {"dash", "dash_bootstrap_components", "dash_ag_grid", "layouts", "callbacks", "app"},
    "layouts": {"callbacks", "app"},
    "callbacks": {"app"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_flow_one_way(package):
    files = list((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    for path in files:
        bad = _imports(path) & FORBIDDEN[package]
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_nothing_imports_app():
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or {"tests", "scripts"} & set(path.parts):  # tests and benchmarks build the app
            continue
        assert "app" not in _imports(path), f"{path.relative_to(ROOT)} imports app"
