"""Refuse entries dated inside a closed period, and notice entries gone from it (see `namndbok.las`).

    plugin "namndbok.plugins.las"

Put it after namndbok.plugins.texter and before the plugins that add entries. Our commands
and the Fava extension refuse a ledger with lock files but without this line
(`namndbok.las.anchor`).
"""

from __future__ import annotations

from pathlib import Path

from namndbok.collector import paused_plugin
from namndbok.las import check_corrections, check_locks, parse_locks

__plugins__ = ("las",)


@paused_plugin
def las(entries, options_map, config=None):
    locks, errors = parse_locks(entries, Path(options_map.get("filename") or ".").parent)
    return entries, errors + check_locks(entries, locks) + check_corrections(entries)
