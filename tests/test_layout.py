"""The layout a newcomer reads: one package, no import cycles, and docs/architecture.md's module
table in step with the files."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"policyqa": ROOT / "app", "policyqa.ingest": ROOT / "ingest", "policyqa.eval": ROOT / "eval"}


def _modules() -> dict[str, Path]:
    out = {}
    for package, folder in FOLDERS.items():
        for path in folder.rglob("*.py"):
            parts = [p for p in path.relative_to(folder).with_suffix("").parts if p != "__init__"]
            out[".".join([package, *parts])] = path
    return out


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Modules of the project that ``path`` imports (at any depth; not those only for type checking)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for n in ast.walk(node)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("policyqa"):
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("policyqa")}
    return {m for m in found if m in modules}


def test_no_import_cycles():
    modules = _modules()
    graph = {m: _imports(p, modules) - {m} for m, p in modules.items()}
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(m: str, path: list[str]) -> bool:
        state[m] = 1
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                cycle.extend(path[path.index(n) :] + [n] if n in path else [m, n])
                return True
            if n not in state and visit(n, [*path, n]):
                return True
        state[m] = 2
        return False

    assert not any(visit(m, [m]) for m in sorted(graph) if m not in state), " -> ".join(cycle)


def test_every_module_imports_on_its_own():
    modules = sorted(m for m in _modules() if not m.endswith(".web"))  # web imports gradio: slow, tested apart
    code = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\n"
    # reversed order too: a module that works only after another was imported first fails one of them
    for order in (modules, modules[::-1]):
        done = subprocess.run([sys.executable, "-c", code, *order], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]


def test_architecture_table_names_every_module_and_only_real_ones():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text.split("## Modules", 1)[1]
    named = set(re.findall(r"`((?:app|ingest|eval)/[\w/]+\.(?:py|yaml))`", table))
    files = {str(p.relative_to(ROOT)) for folder in FOLDERS.values() for p in folder.rglob("*.py")}
    files = {f for f in files if not f.endswith("__init__.py") or f == "app/__init__.py"}
    assert files - named == set(), "modules missing from docs/architecture.md"
    assert {n for n in named if not (ROOT / n).exists()} == set(), "docs/architecture.md names files that are gone"
