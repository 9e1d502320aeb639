"""Refuse entries dated inside a closed period, and notice entries gone from it (see `namndbok.las`).

    plugin "plugins.las"

Put it after plugins.texter and before the plugins that add entries.
"""

from __future__ import annotations

from pathlib import Path

from namndbok.collector import paused_plugin
from namndbok.las import check_locks, parse_locks

__plugins__ = ("las",)


@paused_plugin
def las(entries, options_map, config=None):
    locks, errors = parse_locks(entries, Path(options_map.get("filename") or ".").parent)
    return entries, errors + check_locks(entries, locks)
