"""Nämndbok: the core a committee's ledger, plugins, importers and reports share.

The top-level packages `plugins`, `importers` and `scripts` are the parts the
user names (a ledger's `plugin "plugins.…"` line, beangulp importers, the CLI);
this package holds what they have in common: the ledger model (accounts), the
kontoplan, and the computations.
"""
