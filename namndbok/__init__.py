"""Nämndbok: the core a committee's ledger, plugins, importers and reports share.

The folders plugins/, importers/ and scripts/ are installed inside this package
(`namndbok.plugins`: a ledger's `plugin "namndbok.plugins.namndbok"` line;
`namndbok.importers`: beangulp importers; `namndbok.scripts`: the CLI); the rest of
it is what they have in common: the ledger model, the computations and the domain
operations. `namndbok.open(path)` gives the tables as DataFrames.
"""


def open(path):  # noqa: A001  (as pandas.read_csv: the one call a notebook needs)
    """The committee's ledger at `path` with its tables as pandas DataFrames (`namndbok.frames.Book`).
    pandas is imported only here, so the CLI and the plugins start without it."""
    from namndbok.frames import Book

    return Book(path)
