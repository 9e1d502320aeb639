"""`namndbok kontoplan FIL --ut kontoplan.toml`: write the draft, and the import.toml that goes with it."""

from __future__ import annotations

from pathlib import Path

import click

from namndbok.importers.config import FILE as IMPORT_TOML, parse_import_config
from namndbok.importers.model import SourceError
from namndbok.importers.sie.kontoplan import Draft
from namndbok.fileio import cannot_write, check_writable
from namndbok.settings import read_text
from namndbok.writer_lock import journaled, writing


COMMAND = "namndbok kontoplan"


def write_draft(draft: Draft, target: Path) -> list[str]:
    """Write the kontoplan draft to `target` (never over a file) and import.toml beside it when
    there is none, both or neither, holding the folder's write lock (`namndbok.writer_lock`);
    the lines to show (Swedish). A folder that cannot be written: nothing written."""
    settings = target.parent / IMPORT_TOML
    try:
        check_writable(target.parent)
    except OSError as err:
        raise click.ClickException(cannot_write(err)) from None
    target.parent.mkdir(parents=True, exist_ok=True)  # the lock file lives in the folder
    with writing(target, COMMAND), journaled(target, COMMAND) as originals:
        if target.exists():
            raise click.ClickException(f"{target} finns redan; välj en annan fil eller ta bort den först.")
        write_settings = not settings.exists()
        originals.write(target, draft.kontoplan)
        if write_settings:
            originals.write(settings, draft.import_toml)
    lines = [f"Utkastet är skrivet: {target}. Granska radgrupper och kontotyper innan du importerar."]
    if write_settings:
        lines.append(f"Importens inställningar är skrivna: {settings}.")
    elif not _same_sie_settings(settings, draft.import_toml):
        lines.append(f"{settings} finns redan och läser filen på annat sätt än utkastet; [sie] ska ha:")
        lines += ["  " + line for line in draft.import_toml.splitlines()[1:]]
    return lines + draft.notes


def _same_sie_settings(path: Path, wanted: str) -> bool:
    """Whether the import.toml at `path` reads SIE files as `wanted` does (an unreadable one does not)."""
    try:
        have = parse_import_config(read_text(path, SourceError), str(path)).sie
    except SourceError:
        return False
    want = parse_import_config(wanted).sie
    return all(getattr(have, key) == getattr(want, key) for key in ("verksamhet", "ansvar", "projekt", "verksamhet_saknas"))
