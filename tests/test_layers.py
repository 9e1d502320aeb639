"""The layers (issue 19): the core computes and writes, `scripts/` is the click layer over it.

- the core (`namndbok`), the importers, the plugins and the Fava extension import nothing
  from `scripts/` (the Fava extension reuses the core, not the CLI);
- the core imports nothing from the Fava extension;
- the modules' top-level imports form no cycle.

Read from the source with `ast`, every import statement (also those inside functions,
for the layer rules; only module-level ones for cycles, outside `if TYPE_CHECKING:`).
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO as ROOT

PACKAGES = ("namndbok", "namndbok_fava", "plugins", "importers", "scripts")


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports(path: Path, top_level_only: bool) -> set[str]:
    """The modules of PACKAGES that `path` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if top_level_only:
        nodes = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    else:
        nodes = [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    names = set()
    known = modules_cache()
    for node in nodes:
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif node.level == 0 and node.module:
            # `from package import module` depends on the module; `from module import name` on the module
            submodules = [f"{node.module}.{alias.name}" for alias in node.names if f"{node.module}.{alias.name}" in known]
            candidates = submodules if len(submodules) == len(node.names) else [node.module, *submodules]
        else:
            continue
        for name in candidates:
            if name.split(".")[0] in PACKAGES and name in known:
                names.add(name)
    return names


_MODULES: dict[str, Path] = {}


def modules_cache() -> dict[str, Path]:
    if not _MODULES:
        _MODULES.update(modules())
    return _MODULES


def offenders(packages: tuple[str, ...], forbidden: str) -> list[str]:
    return sorted(f"{name} imports {target}" for name, path in modules_cache().items() if name.split(".")[0] in packages
                  for target in imports(path, top_level_only=False) if target.split(".")[0] == forbidden)


def test_nothing_below_the_cli_imports_from_scripts():
    assert offenders(("namndbok", "namndbok_fava", "plugins", "importers"), "scripts") == []


def test_the_core_does_not_import_the_fava_extension():
    assert offenders(("namndbok", "plugins", "importers"), "namndbok_fava") == []


def test_no_import_cycle_among_module_level_imports():
    graph = {name: imports(path, top_level_only=True) - {name} for name, path in modules_cache().items()}
    cycles, state = [], {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph.get(name, ())):
            if state.get(target) == "open":
                cycles.append(" → ".join(trail[trail.index(target):] + [target]) if target in trail else target)
            elif target not in state:
                visit(target, trail + [target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []
