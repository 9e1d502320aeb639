"""Click's own words (help headings, usage errors, placeholders) in Swedish.

Click marks its texts for gettext but ships no translations; the CLI is for
Swedish economists, so `install()` gives click's modules a `_` and an
`ngettext` that look the text up here (anything not listed stays as it is) and
Swedish names for its number types. `localize(group)` gives every command's
usage line Swedish placeholders (`[FLAGGOR]`, `KOMMANDO`, `FIL`, `SÖKVÄG`) where
the command does not name its own.
"""

from __future__ import annotations

import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.types

SWEDISH = {
    "Usage:": "Användning:",
    "Options": "Flaggor",
    "Commands": "Kommandon",
    "Positional arguments": "Argument",
    "Show this message and exit.": "Visa den här hjälpen och avsluta.",
    "Show the version and exit.": "Visa versionen och avsluta.",
    "Error: {message}": "Fel: {message}",
    "Try '{command} {option}' for help.": "Skriv '{command} {option}' för hjälp.",
    "Aborted!": "Avbrutet.",
    "Missing argument": "Argument saknas:",
    "Missing parameter": "Parameter saknas:",
    "Missing parameter: {param_name}": "Parameter saknas: {param_name}",
    "Missing {param_type}": "{param_type} saknas",
    "Missing command.": "Kommando saknas.",
    "No such command {name!r}.": "Det finns inget kommando {name!r}.",
    "No such option {name!r}.": "Det finns ingen flagga {name!r}.",
    "Invalid value for {param_hint}: {message}": "Ogiltigt värde för {param_hint}: {message}",
    "Invalid value: {message}": "Ogiltigt värde: {message}",
    "default: {default}": "standard: {default}",
    "required": "obligatorisk",
    "{value!r} is not a valid {number_type}.": "{value!r} är inte ett giltigt {number_type}.",
    "{value} is not in the range {range}.": "{value} ligger inte i intervallet {range}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} finns inte.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} är en katalog.",
    "{name} {filename!r} is a file.": "{name} {filename!r} är en fil.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} går inte att läsa.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} går inte att skriva.",
    "Choose from:\n\t{choices}": "Välj bland:\n\t{choices}",
    "Missing option": "Flaggan saknas:",
    "Did you mean {possibility}?": "Menade du {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Menade du någon av: {possibilities}?)",
    "Got unexpected extra argument ({args})": "Oväntat extra argument ({args})",
    "Got unexpected extra arguments ({args})": "Oväntade extra argument ({args})",
    "Option {name!r} requires an argument.": "Flaggan {name!r} behöver ett värde.",
    "Option {name!r} requires {nargs} arguments.": "Flaggan {name!r} behöver {nargs} värden.",
    "{value!r} is not {choice}.": "{value!r} är inte {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} är inte något av {choices}.",
    "{value!r} does not match the format {format}.": "{value!r} har inte formatet {format}.",
    "{value!r} does not match the formats {formats}.": "{value!r} har inget av formaten {formats}.",
    "file": "filen",
    "directory": "katalogen",
    "path": "sökvägen",
}


# The names click puts into its messages ("… is not a valid integer range.").
TYPE_NAMES = {click.types.IntParamType: "heltal", click.types.IntRange: "heltal",
              click.types.FloatParamType: "tal", click.types.FloatRange: "tal"}
# Placeholders in the usage lines, by the type's name once installed (click would write FILEN,
# SÖKVÄGEN from the Swedish names above; numbers show as HELTAL and TAL).
METAVARS = {"filen": "FIL", "katalogen": "KATALOG", "sökvägen": "SÖKVÄG", "filename": "FIL", "datetime": "DATUM"}


def _(text: str) -> str:
    return SWEDISH.get(text, text)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _(singular if n == 1 else plural)


def install() -> None:
    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types):
        if hasattr(module, "_"):
            module._ = _
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
    for kind, name in TYPE_NAMES.items():
        kind.name = name


def localize(command: click.Command) -> None:
    """Swedish placeholders in `command`'s usage line and its subcommands' (where they have none of their own)."""
    command.options_metavar = "[FLAGGOR]"
    for param in command.params:
        if param.metavar is None and param.type.name in METAVARS and not getattr(param, "is_flag", False):
            param.metavar = METAVARS[param.type.name]
    if isinstance(command, click.Group):
        command.subcommand_metavar = "KOMMANDO [ARGUMENT]..."
        for sub in command.commands.values():
            localize(sub)
