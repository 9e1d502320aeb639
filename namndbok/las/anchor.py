"""The locks checked from outside the ledger text they protect.

`namndbok.plugins.las` checks a closed period against its lock, but the plugin line, the
`custom "las"` lines and the lock files are all text a user can edit. What is
on disk decides instead: every lock file (`las.txt`, `las-*.txt` in the main
file's folder or below it, `namndbok.las.lock_files_on_disk`) must

- be named by a `custom "las"` line for the period it records (a lock file
  without its line is a deleted lock; a line with other dates, a changed one),
- be sealed and intact (its first line holds the SHA-256 of the rest), and the
  lock file before it in the chain must be there with the SHA-256 it records,
- never have changed or gone in git history (`namndbok.las.history`);

and the main file must hold `plugin "namndbok.plugins.las"` with plugins running. Our
loads (`namndbok.loading.load`) and the Fava extension add these errors to the
ledger's: every command and page refuses the ledger while a lock is broken.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from namndbok.las import (FORMAT_3, LockBreach, is_lock_file_name, lock_directives, lock_files_on_disk, lock_lines,
                          read_seal)
from namndbok.fileio import os_reason
from namndbok.loading import WARNING
from namndbok.las.history import lock_history
from namndbok.ledgerdata import PIPELINE_PLUGIN, has_stage

PLUGIN_NAME = "namndbok.plugins.las"  # or namndbok.plugins.namndbok, which runs it (`has_stage`)


def with_lock_anchors(main, loaded):
    """`loaded` (entries, errors, options) with the errors of its broken locks added."""
    entries, errors, options = loaded
    extra = lock_anchor_errors(Path(main), entries, options)
    return (entries, [*errors, *extra], options) if extra else loaded


def lock_anchor_errors(main: Path, entries, options) -> list:
    main = main.absolute()
    base = main.parent
    on_disk = lock_files_on_disk(base)
    directives = lock_directives(entries)
    if not on_disk and not directives:
        return []
    errors = []
    head = {"filename": str(main), "lineno": 1}
    some_lock = _relative(on_disk[0], base) if on_disk else directives[0].meta.get("fil")
    if not has_stage(options, PLUGIN_NAME):
        errors.append(LockBreach(head, (
            f'LÅSEN KONTROLLERAS INTE: liggaren har låsta perioder (t.ex. {some_lock}) men inte raden '
            f'plugin "{PLUGIN_NAME}" eller plugin "{PIPELINE_PLUGIN}" (som kör alla Nämndboks steg). '
            f'Lägg tillbaka raden i {main.name}.'), None))
    if options.get("plugin_processing_mode") == "raw":
        errors.append(LockBreach(head, (
            'LÅSEN KONTROLLERAS INTE: option "plugin_processing_mode" "raw" stänger av alla plugins, också '
            f'{PLUGIN_NAME}, och liggaren har låsta perioder (t.ex. {some_lock}). Ta bort raden.'), None))
    named = {}
    for entry in directives:
        fil = entry.meta.get("fil")
        if not isinstance(fil, str):
            continue  # namndbok.plugins.las says how a lock is written
        path = (base / fil).resolve()
        if not is_lock_file_name(path.name) or not path.is_relative_to(base.resolve()):
            errors.append(LockBreach(entry.meta, (
                f"Låsets fil {fil} ska ligga i liggarens mapp (eller under den) och heta las.txt eller las-….txt, "
                "som `namndbok bokslut` och `namndbok period-close --las` skriver den."), entry))
        named[path] = entry
    sealed_somewhere = any(_head(path).startswith(FORMAT_3.encode("utf-8")) for path in on_disk)
    for path in on_disk:
        errors += _lock_file_errors(path, base, named.get(path.resolve()), sealed_somewhere)
    return errors + lock_history(main).errors


def _relative(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix()


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(len(FORMAT_3.encode("utf-8")))
    except OSError:
        return b""  # reported with the file


def _lock_file_errors(path: Path, base: Path, entry, sealed_somewhere: bool) -> list:
    relative = _relative(path, base)
    try:
        raw = path.read_bytes()
    except OSError as err:
        if entry is not None:
            return []  # namndbok.plugins.las says it at the lock's line
        return [LockBreach({"filename": str(path), "lineno": 1}, (
            f"Låsfilen kan inte läsas ({os_reason(err)}), så låset kan inte kontrolleras. Ge läsrätt till filen."), None)]
    text = raw.decode("utf-8", errors="replace")
    seal = read_seal(text)
    at_file = {"filename": str(path), "lineno": 1}
    if seal.version < 3:
        if entry is None:
            return [LockBreach(at_file, (
                f'LÅSET ÄR BORTTAGET: låsfilen finns, men inget custom "las" i liggaren pekar på den. Ett lås tas '
                f'aldrig bort: lägg tillbaka låsraden med fil: "{relative}".'), None)]
        if sealed_somewhere:  # Nämndbok seals every lock file at once: this one was written over
            return [LockBreach(at_file, (
                "LÅSFILEN ÄR ÄNDRAD: den har ett äldre format utan kontrollsumma, men liggarens andra låsfiler är "
                "förseglade, och Nämndbok skriver om alla på en gång. En låsfil ändras aldrig; hämta tillbaka den "
                f"som den var (t.ex. `git checkout -- {relative}`)."), None)]
        return [LockBreach(at_file, (
            f"{WARNING} låsfilen har ett äldre format utan kontrollsumma och kedja, så en ändring i den syns inte. "
            "Skriv om liggarens alla låsfiler genom att köra det senaste låskommandot igen (`namndbok bokslut ÅR` "
            "eller `namndbok period-close ÅÅÅÅ-MM --las`): posterna är desamma, bara formatet ändras."), None)]
    errors = []
    if not seal.intact:
        errors.append(LockBreach(at_file, (
            "LÅSFILEN ÄR ÄNDRAD efter stängningen: kontrollsumman på första raden stämmer inte med innehållet. "
            "En låsfil ändras aldrig; hämta tillbaka den som den skrevs (t.ex. `git checkout -- "
            f"{relative}`)."), None))
    if entry is None:
        start, end = seal.period or ("FRÅN", "TILL")
        lines = " / ".join(line.strip() for line in lock_lines(start, end, relative))
        return errors + [LockBreach(at_file, (
            f'LÅSET ÄR BORTTAGET: låsfilen låser {start} – {end}, men inget custom "las" i liggaren pekar på den. '
            f"Ett lås tas aldrig bort: lägg tillbaka låsraden ({lines}), i regel genom att återställa filen "
            "som höll den (bokslut.beancount eller las.beancount) och dess include-rad."), None)]
    written = tuple(str(value.value) for value in entry.values)
    if seal.period is not None and written != seal.period:
        errors.append(LockBreach(entry.meta, (
            f"LÅSRADEN ÄR ÄNDRAD: den anger {' – '.join(written)}, men låsfilen {relative} låser "
            f"{seal.period[0]} – {seal.period[1]}. Sätt tillbaka datumen."), entry))
    if seal.previous is not None:
        sha, previous = seal.previous
        before = base / previous
        at_link = {"filename": str(path), "lineno": _line_of(text, "föregående ")}
        if not before.is_file():
            errors.append(LockBreach(at_link, (
                f"LÅSET ÄR BORTTAGET: låsfilen före den här i kedjan, {previous}, saknas. Ett lås tas aldrig bort: "
                "hämta tillbaka filen och dess låsrad."), None))
        elif _sha256(before) != sha:
            errors.append(LockBreach(at_link, (
                f"LÅSFILEN ÄR ÄNDRAD: {previous}, låsfilen före den här i kedjan, är inte som när den här skrevs. "
                f"En låsfil ändras aldrig; hämta tillbaka {previous} som den var."), None))
    return errors


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None  # reported with that file


def _line_of(text: str, start: str) -> int:
    return next((number for number, line in enumerate(text.splitlines(), start=1) if line.startswith(start)), 1)
