"""Load a ledger through Beancount, or take its last load when nothing it came from changed.

Beancount's own pickle cache stays off: it trusts a load while the files it
read are unchanged, and does not notice a *new* file that an `include` glob now
matches — exactly what an import or a year-end close writes — nor the files our
plugins read. `namndbok.load_cache` keeps loads with all of that checked: the
files the plugins read are recorded as they are read (`namndbok.load_inputs`).

A command that has just written files and loads to verify them asks for a
fresh load (`fresh=True`): it neither reads nor writes the kept load. One that
is about to write loads with `keep=False` (the kept load would be stale at
once).
"""

from __future__ import annotations

import decimal
import time
from pathlib import Path

from beancount import loader

from namndbok import load_cache, load_inputs
from namndbok.collector import collector_paused
from namndbok.fileio import absolute
from namndbok.kontoplan import KontoplanUnusable
from namndbok.parser_guard import install as install_parser_guard
from namndbok.plugin_names import renamed_plugin_errors
from namndbok.unreadable import uncomputable_load, unreadable_load
from namndbok.writer_lock import reading



def beancount_load(path: str, log_timings=None):
    """Beancount's own load of `path` (parse, plugins, validation), without its pickle cache
    (see the module docstring) — as Fava loads. Asked for here, for our loads only: importing
    this module leaves Beancount's loader as it is for the rest of the process (a notebook's
    `loader.load_file`, bean-check) instead of turning its cache off process-wide."""
    return loader._load([(str(path), True)], log_timings, None, None)  # Fava's load_uncached does the same


WARNING = "Varning:"  # how a message that does not make the ledger wrong begins


def faults(errors) -> list:
    """The errors that make a load wrong (not the warnings)."""
    return [e for e in errors if not e.message.startswith(WARNING)]


def fault_count(errors) -> str:
    """How many faults and warnings a load has, as `kontrollera` and `fava` say it
    ("inga fel", "2 fel, 1 varning"): the errors as shown (`shown_errors`)."""
    errors = shown_errors(errors)
    wrong = len(faults(errors))
    warnings = len(errors) - wrong
    text = f"{wrong or 'inga'} fel"
    if warnings:
        text += f", {warnings} {'varning' if warnings == 1 else 'varningar'}"
    return text


def where(error, default: str = "liggaren") -> str:
    """`fil:rad` of a Beancount or plugin error, for a Swedish message (`default` without a file)."""
    source = error.source or {}
    if not source.get("filename"):
        return default
    return f"{source['filename']}:{source.get('lineno', 0)}"


def faults_message(wrong: list, ledger) -> str:
    """Why a command refuses a ledger with faults (`wrong`, not empty): how many, the first
    with its `fil:rad`, and what to do (Swedish)."""
    first = f"{where(wrong[0], str(ledger))}: {wrong[0].message}"
    if len(wrong) == 1:
        return f"Liggaren har 1 fel ({first}). Rätta det först."
    return (f"Liggaren har {len(wrong)} fel (det första: {first}). Rätta dem först; "
            f"`namndbok kontrollera {ledger}` listar alla.")


def load(path: str | Path, fresh: bool = False, keep: bool = True):
    """(entries, errors, options_map) of the ledger at `path`, read under its shared lock
    (`namndbok.writer_lock.reading`: never while a writer changes it)."""
    ledger = absolute(path)
    with reading(ledger):
        return _load(ledger, fresh, keep)


def _load(ledger: Path, fresh: bool, keep: bool):
    use_cache = not fresh and load_cache.enabled() and ledger.is_file()
    if use_cache:
        kept = load_cache.read(ledger)
        if kept is not None:
            return _anchored(ledger, kept)
    started = time.time()
    # The collector paused for the load: what Beancount and our plugins build is
    # acyclic and lives as long as the command, and the collector's full passes over
    # it cost ~5 % of a load of 100 000 rows (they run again when the load is done).
    install_parser_guard()  # a division by zero in an amount: an error at its line, not a dead process
    try:
        with collector_paused(), load_inputs.recording() as read:
            result = beancount_load(str(ledger))
    except OSError as err:  # an included file that is a folder, or that may not be read
        return unreadable_load(ledger, err)
    except decimal.InvalidOperation:  # Beancount's booking, beside a number past 28 digits
        return uncomputable_load(ledger)
    if use_cache and keep:
        load_cache.write(ledger, result, started, time.time(), read)
    return _anchored(ledger, result)


def _anchored(ledger: Path, loaded):
    """`loaded` with the errors of its broken locks, checked from outside the ledger's text
    (`namndbok.las.anchor`), as they are shown (`shown_errors`)."""
    from namndbok.las.anchor import with_lock_anchors

    entries, errors, options = with_lock_anchors(ledger, loaded)
    return entries, shown_errors(renamed_plugin_errors(errors, options)), options


def shown_errors(errors: list) -> list:
    """The errors of a load as they are shown: when the kontoplan cannot be used, only
    what says so (every other error then follows from it, e.g. accounts that cannot be
    checked or closed years that no longer balance)."""
    unusable = [e for e in errors if isinstance(e, KontoplanUnusable)]
    return unusable or errors
