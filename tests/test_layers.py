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

# folder → the name it is installed under (pyproject's package-dir), and the layer it is
FOLDERS = {"namndbok": "namndbok", "namndbok_fava": "namndbok_fava", "plugins": "namndbok.plugins",
           "importers": "namndbok.importers", "scripts": "namndbok.scripts"}
LAYERS = {"namndbok": "core", "namndbok_fava": "fava", "namndbok.plugins": "plugins", "namndbok.importers": "importers",
          "namndbok.scripts": "cli"}


def layer(name: str) -> str:
    """The layer of a module: the longest installed prefix of its name."""
    prefix = max((p for p in LAYERS if name == p or name.startswith(p + ".")), key=len)
    return LAYERS[prefix]


def modules() -> dict[str, Path]:
    found = {}
    for folder, installed in FOLDERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            parts = parts[:-1] if parts[-1] == "__init__" else parts
            found[".".join((installed, *parts))] = path
    return found


def imports(path: Path, top_level_only: bool) -> set[str]:
    """The product's modules that `path` imports."""
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
            if name in known:
                names.add(name)
    return names


_MODULES: dict[str, Path] = {}


def modules_cache() -> dict[str, Path]:
    if not _MODULES:
        _MODULES.update(modules())
    return _MODULES


def offenders(layers: tuple[str, ...], forbidden: str) -> list[str]:
    return sorted(f"{name} imports {target}" for name, path in modules_cache().items() if layer(name) in layers
                  for target in imports(path, top_level_only=False) if layer(target) == forbidden)


def test_nothing_below_the_cli_imports_from_scripts():
    assert offenders(("core", "fava", "plugins", "importers"), "cli") == []


def test_the_core_does_not_import_the_fava_extension():
    assert offenders(("core", "plugins", "importers"), "fava") == []


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
