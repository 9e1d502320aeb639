"""Click's own words (help headings, usage errors, placeholders) in Swedish, through gettext.

Click marks its texts for gettext (`from gettext import gettext as _`) but ships no
translations. Ours are a gettext catalog: `locale/sv/LC_MESSAGES/namndbok.po`
beside this file (the source, edited by hand) compiled to `namndbok.mo` (run
`python -m namndbok.scripts.click_svenska` after editing the .po; a test checks that the
.mo is up to date). Nothing happens when this module is imported: `swedish()` is
the context a command runs in (`namndbok.scripts.cli`'s group enters it in `main`) —
gettext's default domain is the catalog's and the language Swedish, and both are
as they were afterwards. `localize(group)` gives every command's usage line
Swedish placeholders (`[FLAGGOR]`, `KOMMANDO`, `FIL`, `SÖKVÄG`) where the command
does not name its own, and its parameters' types their Swedish names.
"""

from __future__ import annotations

import contextlib
import copy
import gettext
import os
from pathlib import Path

import click

DOMAIN = "namndbok"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
CATALOG = LOCALE_DIR / "sv" / "LC_MESSAGES" / f"{DOMAIN}.po"

# Placeholders in the usage lines, by the type's Swedish name (click would write FILEN,
# SÖKVÄGEN from the names; numbers show as HELTAL and TAL).
METAVARS = {"filen": "FIL", "katalogen": "KATALOG", "sökvägen": "SÖKVÄG", "filename": "FIL", "datetime": "DATUM"}


@contextlib.contextmanager
def swedish():
    """Click's texts in Swedish while the block runs (gettext's default domain: our catalog;
    the language: Swedish, whatever the environment says); afterwards as they were."""
    domain, language = gettext.textdomain(), os.environ.get("LANGUAGE")
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = "sv"
    try:
        yield
    finally:
        gettext.textdomain(domain)
        if language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = language


def localize(command: click.Command) -> None:
    """Swedish placeholders in `command`'s usage line and its subcommands' (where they have none of
    their own), and Swedish type names in their messages ("… är inte ett giltigt heltal."). Run in
    `swedish()`: the names come from the catalog."""
    command.options_metavar = "[FLAGGOR]"
    for param in command.params:
        name = gettext.gettext(param.type.name)
        if name != param.type.name:  # a copy: click's shared types (click.INT …) stay as they are
            param.type = copy.copy(param.type)
            param.type.name = name
        if param.metavar is None and param.type.name in METAVARS and not getattr(param, "is_flag", False):
            param.metavar = METAVARS[param.type.name]
    if isinstance(command, click.Group):
        command.subcommand_metavar = "KOMMANDO [ARGUMENT]..."
        for sub in command.commands.values():
            localize(sub)


def compiled(po: Path = CATALOG) -> bytes:
    """The .mo file of a .po catalog (Babel, which Fava brings, compiles it)."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as handle:
        catalog = read_po(handle, locale="sv", domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


if __name__ == "__main__":
    from namndbok.fileio import atomic_write_bytes

    target = CATALOG.with_suffix(".mo")
    atomic_write_bytes(target, compiled())
    print(f"{target} är skriven från {CATALOG.name}.")
