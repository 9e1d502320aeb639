"""Append text to one ledger file of a kind (budget, volymer), atomically, and check the result.

Shared by the budget workbook and volume list imports: each file gets the
root-name header when it is new, the main file gets the kind's include line
when it lacks it, and if the ledger does not load without new errors
afterwards every file is put back as it was (journaled: `namndbok.journal`).
"""

from __future__ import annotations

from pathlib import Path

from namndbok.accounts import Roots
from namndbok.writer_lock import journaled
from namndbok.ledgerfile import canonical, root_option_lines
from namndbok.importers.ledger_check import refuse_new_faults
from namndbok.loading import load


def append_and_check(ledger: Path, blocks: list[tuple[Path, str, str]], roots: Roots, include: str, source: str,
                     command: str):
    """Append each (target, title, block) of `blocks`, all or nothing; return the reloaded ledger
    (entries, errors, options). The caller holds the write lock (`namndbok.writer_lock.writing`)."""
    return change_and_check(ledger, [(target, title, lambda head, block=block: head.rstrip("\n") + "\n\n" + block)
                                     for target, title, block in blocks], roots, include, source, command)


def change_and_check(ledger: Path, changes: list, roots: Roots, include: str, source: str, command: str,
                     what: str = "Importen"):
    """Like `append_and_check`, but each (target, title, change) gives the file's new text from its
    present one (a new file's: the header), e.g. a block replaced. `what` names the change in the
    refusal ("Importen skrevs inte: …")."""
    with journaled(ledger, command) as originals:
        for target, title, change in changes:
            head = originals.keep(target)
            if head is None:
                head = "\n".join([f"; {title}", *root_option_lines(roots)]) + "\n"
            originals.write(target, canonical(change(head).rstrip("\n") + "\n"))
        main_text = originals.keep(ledger)
        if include not in main_text:
            originals.write(ledger, main_text.rstrip("\n") + "\n" + include + "\n")
        loaded = load(ledger, fresh=True)  # what was written, not a kept load
        refuse_new_faults(loaded, source, what)
        return loaded
