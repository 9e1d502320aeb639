"""Nämndbok: the core a committee's ledger, plugins, importers and reports share.

The top-level packages `plugins`, `importers` and `scripts` are the parts the
user names (a ledger's `plugin "plugins.…"` line, beangulp importers, the CLI);
this package holds what they have in common: the ledger model (accounts), the
kontoplan, and the computations.
"""


def open(path):  # noqa: A001  (as pandas.read_csv: the one call a notebook needs)
    """The committee's ledger at `path` with its tables as pandas DataFrames (`namndbok.frames.Book`).
    pandas is imported only here, so the CLI and the plugins start without it."""
    from namndbok.frames import Book

    return Book(path)
