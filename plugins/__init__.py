"""Beancount plugins for committee ledgers: `plugin "namndbok.plugins.<name>"` in a ledger (installed as namndbok.plugins)."""
