"""pyproject tells the truth (issue 19, point 7): every package folder is installed, under the product's name.

Nothing goes to site-packages under a generic top-level name (`plugins`, `importers`, `scripts` would
collide with other projects): those folders are installed as namndbok.plugins, namndbok.importers and
namndbok.scripts. Every third-party module the product imports is a declared dependency.
"""

from __future__ import annotations

import ast
import sys
import tomllib

from conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
# an import name → its distribution's name, where they differ
DISTRIBUTIONS = {"yaml": "pyyaml", "dateutil": "python-dateutil"}


def installed_name(folder) -> str:
    """The dotted name a package folder is installed under (pyproject's package-dir, else its path)."""
    mapped = {Path_(path): name for name, path in SETUPTOOLS.get("package-dir", {}).items()}
    parts = folder.relative_to(REPO).parts
    for length in range(len(parts), 0, -1):
        if parts[:length] in mapped:
            return ".".join((mapped[parts[:length]], *parts[length:]))
    return ".".join(parts)


def Path_(path: str) -> tuple[str, ...]:
    return tuple(path.strip("/").split("/"))


def package_folders():
    tops = {"namndbok", "namndbok_fava", *(p.split("/")[0] for p in SETUPTOOLS.get("package-dir", {}).values())}
    return sorted(init.parent for top in tops for init in (REPO / top).rglob("__init__.py"))


def test_every_package_folder_is_installed_and_nothing_else():
    assert sorted(SETUPTOOLS["packages"]) == sorted(installed_name(folder) for folder in package_folders())


def test_nothing_is_installed_under_a_generic_top_level_name():
    tops = {name.split(".")[0] for name in SETUPTOOLS["packages"]}
    assert tops == {"namndbok", "namndbok_fava"}
    assert PYPROJECT["project"]["scripts"]["namndbok"].startswith("namndbok.")


def test_every_imported_distribution_is_declared():
    declared = {dep.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower()
                for dep in PYPROJECT["project"]["dependencies"]}
    ours = {"namndbok", "namndbok_fava", "plugins", "importers", "scripts"}
    used = set()
    for folder in package_folders():
        for path in folder.glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    used |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    used.add(node.module.split(".")[0])
    third_party = {name for name in used - ours if name not in sys.stdlib_module_names}
    missing = sorted(name for name in third_party if DISTRIBUTIONS.get(name, name).lower().replace("_", "-") not in declared)
    assert missing == []


def test_a_ledger_with_the_old_plugin_names_is_told_what_to_write(tmp_path):
    """Loaded as a user would, in a process whose path has no top-level `plugins` (only the installed names)."""
    import subprocess

    ledger = tmp_path / "gammal.beancount"
    ledger.write_text('option "operating_currency" "SEK"\n\nplugin "plugins.texter"\n', encoding="utf-8")
    code = ("import sys; from namndbok.loading import load; _, errors, _ = load(sys.argv[1], fresh=True); "
            "[print(e.source['filename'], e.source['lineno'], e.message, sep='|') for e in errors]")
    done = subprocess.run([sys.executable, "-c", code, str(ledger)], cwd=tmp_path, capture_output=True, text=True,
                          env={k: v for k, v in __import__("os").environ.items() if k != "PYTHONPATH"}, check=True)
    [line] = done.stdout.splitlines()
    filename, lineno, message = line.split("|")
    assert (filename, lineno) == (str(ledger), "3")
    assert message.startswith('Pluginen "plugins.texter" heter nu "namndbok.plugins.texter"') and "Traceback" not in message
