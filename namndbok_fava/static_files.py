"""Which files the browser may fetch from the extension: by name, nothing else.

Our own modules and styles live in `namndbok_fava/static/`; plotly.js (the charts on
our pages) is served from the plotly package, so no copy of it is kept in the
repository and nothing is fetched from the internet.
"""

from __future__ import annotations

import re
from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
PLOTLY = "plotly.min.js"
_NAME = re.compile(r"[a-z][a-z0-9_-]*\.(js|css)")


def plotly_path() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / PLOTLY


def static_path(name: str) -> Path | None:
    """The file served for `name`, or None when there is no such file (a 404)."""
    if name == PLOTLY:
        return plotly_path()
    if not _NAME.fullmatch(name):
        return None
    path = STATIC_DIR / name
    return path if path.is_file() else None
