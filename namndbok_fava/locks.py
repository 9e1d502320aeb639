"""Fava under the ledger's locks (`namndbok.writer_lock`), like our commands.

A ledger that declares our extension is reloaded by Fava under its shared lock,
so a reload never reads half of an import, and Fava's own edits (the editor,
the entry form, metadata) are written under its write lock, so an edit never
lands in the middle of an import or a year-end close. The first load, before
the extension exists, is read under the lock by `namndbok fava`, and checked by
`namndbok.plugins.skrivlas` when Fava is started some other way.

FavaLedger has __slots__ (no instance attributes, no weak references), so the
reload is wrapped on the class, once, and takes the lock only for ledgers whose
extensions include ours; the edits are wrapped on each ledger's own FileModule.
"""

from __future__ import annotations

import functools

from namndbok.parser_guard import install as install_parser_guard
from namndbok.writer_lock import reading, writing

# Fava's FileModule methods that change the ledger's files.
FAVA_WRITES = ("set_source", "insert_metadata", "save_entry_slice", "delete_entry_slice", "insert_entries")
EDIT_COMMAND = "Fava (redigering)"
EXTENSION = "Namndbok"  # our extension's name in Fava (its class name)


def hold_ledger_locks(ledger) -> None:
    """A FavaLedger with our extension: its reloads read under the shared lock, its edits
    write under the write lock."""
    install_parser_guard()  # a division by zero in an amount: an error at its line, not a dead Fava
    _wrap_reload(type(ledger))
    path = ledger.beancount_file_path
    for name in FAVA_WRITES:
        write = getattr(ledger.file, name)
        if not getattr(write, "namndbok_locked", False):
            setattr(ledger.file, name, _locked_write(write, path))


def _locked_write(write, path: str):
    @functools.wraps(write)
    def locked(*args, **kwargs):
        with writing(path, EDIT_COMMAND):
            return write(*args, **kwargs)

    locked.namndbok_locked = True
    return locked


def _wrap_reload(cls) -> None:
    load_file = cls.load_file
    if getattr(load_file, "namndbok_locked", False):
        return

    @functools.wraps(load_file)
    def locked_load(self) -> None:
        if self.extensions.get_extension(EXTENSION) is None:
            return load_file(self)
        with reading(self.beancount_file_path):
            return load_file(self)

    locked_load.namndbok_locked = True
    cls.load_file = locked_load
