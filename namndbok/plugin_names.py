"""A ledger written before our plugins moved under the product's name (issue 19): one Swedish error
at its `plugin` line, instead of Beancount's import traceback.

Our plugins are installed as `namndbok.plugins.<name>`; a ledger that still says
`plugin "plugins.kontoplan"` cannot load them. Beancount reports that as an import
error at `<load>:0` with a Python traceback; this names the file and line of the
plugin directive and the line to write instead.
"""

from __future__ import annotations

import re
from pathlib import Path

OLD = re.compile(r'Error importing "(plugins\.[A-Za-z_][\w.]*)"')
OUR_PREFIX = "namndbok."


def renamed_plugin_errors(errors: list, options_map: dict) -> list:
    """`errors` with each import error of an old plugin name explained at its plugin line."""
    return [_explained(error, options_map) for error in errors]


def _explained(error, options_map: dict):
    match = OLD.match(error.message)
    if match is None:
        return error
    old = match.group(1)
    new = OUR_PREFIX + old
    filename, lineno = _plugin_line(old, options_map)
    return error._replace(
        source={"filename": filename, "lineno": lineno},
        message=(f'Pluginen "{old}" heter nu "{new}" (Nämndboks delar installeras under namnet namndbok). '
                 f'Ändra raden till plugin "{new}"; `namndbok kontrollera` visar sedan om något mer behöver ändras.'))


def _plugin_line(name: str, options_map: dict) -> tuple[str, int]:
    """The file and line of `plugin "name"` among the files the load read (the main file first)."""
    pattern = re.compile(rf'^[ \t]*plugin[ \t]+"{re.escape(name)}"', re.M)
    files = [options_map.get("filename"), *options_map.get("include", [])]
    for filename in dict.fromkeys(f for f in files if f):
        try:
            text = Path(filename).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        found = pattern.search(text)
        if found:
            return filename, text.count("\n", 0, found.start()) + 1
    return options_map.get("filename") or "<load>", 0
