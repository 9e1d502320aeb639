"""Beancount plugins for committee ledgers: `plugin "plugins.<name>"` in a ledger."""
