"""Make ledger texts harmless in Fava: `<` and `>` become `‹` and `›`.

Fava 1.30 renders its journal with autoescape off (templates/_journal_table.html):
a narration or payee such as `<img src=x onerror=…>` — which an export from a
finance system can carry — would run in the browser of everyone who opens the
journal. This plugin replaces `<` and `>` in narrations, payees, string
metadata and the string values of custom directives with the look-alike
characters ‹ and ›, so Fava shows the text and runs nothing, and warns at the
file and line so the text can be corrected at its source.

    plugin "plugins.texter"

Put it first: the other plugins then see the cleaned entries.
"""

from __future__ import annotations

from typing import NamedTuple

from beancount.core import data
from beancount.parser.grammar import ValueType

from namndbok.collector import paused_plugin

__plugins__ = ("texter",)

TABLE = str.maketrans({"<": "‹", ">": "›"})
BOOKKEEPING = {"filename", "lineno"}


class TextWarning(NamedTuple):
    source: dict
    message: str
    entry: object


def clean(text):
    return text.translate(TABLE) if isinstance(text, str) and ("<" in text or ">" in text) else text


# Directives whose only free text is their metadata (account names cannot hold < or >).
NO_FREE_TEXT = frozenset({data.Open, data.Close, data.Balance, data.Pad, data.Commodity, data.Price})


def _has_markup(meta) -> bool:
    if not meta or (len(meta) == 2 and "lineno" in meta and "filename" in meta):
        return False  # only where the parser put it: the common case, kept cheap
    for value in meta.values():  # the values first (no key looked at): most have no < or >
        if value.__class__ is str and ("<" in value or ">" in value):
            break
    else:
        return False
    return any(value.__class__ is str and ("<" in value or ">" in value) and key not in BOOKKEEPING
               for key, value in meta.items())


def _meta(meta):
    if not _has_markup(meta):
        return meta
    return {k: (v if k in BOOKKEEPING else clean(v)) for k, v in meta.items()}


def _needs_cleaning(entry) -> bool:
    """A quick look: whether any text of the entry has `<` or `>`.

    Written for the common case, a transaction whose postings carry only the
    parser's filename and line (one length test per posting, no call)."""
    if _has_markup(entry.meta):
        return True
    kind = entry.__class__
    if kind in NO_FREE_TEXT:
        return False
    if kind is data.Custom:
        for value in entry.values:
            if value.dtype is str and ("<" in value.value or ">" in value.value):
                return True
        return False
    if kind is not data.Transaction:
        return True  # other directives are few: clean_entry looks at them in full
    narration, payee = entry.narration, entry.payee
    if (narration and ("<" in narration or ">" in narration)) or (payee and ("<" in payee or ">" in payee)):
        return True
    for posting in entry.postings:
        meta = posting.meta
        if meta and len(meta) > 2 and _has_markup(meta):
            return True
    return False


def clean_entry(entry):
    """The entry with its texts cleaned (the same object when nothing changed)."""
    changes = {}
    meta = _meta(entry.meta)
    if meta is not entry.meta:
        changes["meta"] = meta
    if isinstance(entry, data.Transaction):
        for field in ("narration", "payee"):
            value = getattr(entry, field)
            if clean(value) != value:
                changes[field] = clean(value)
        postings = [p._replace(meta=_meta(p.meta)) if _meta(p.meta) is not p.meta else p for p in entry.postings]
        if any(a is not b for a, b in zip(postings, entry.postings)):
            changes["postings"] = postings
    elif isinstance(entry, (data.Note,)) and clean(entry.comment) != entry.comment:
        changes["comment"] = clean(entry.comment)
    elif isinstance(entry, data.Custom) and any(v.dtype is str and clean(v.value) != v.value for v in entry.values):
        changes["values"] = [ValueType(clean(v.value), str) if v.dtype is str else v for v in entry.values]
    return entry._replace(**changes) if changes else entry


WARNING = ("Varning: texten innehöll < eller >, som Fava visar som HTML; "
           "de visas som ‹ och ›. Skriv om texten i källan (t.ex. \"mindre än\").")


@paused_plugin
def texter(entries, options_map):
    marked = [index for index, entry in enumerate(entries) if _needs_cleaning(entry)]
    if not marked:
        return entries, []  # the common case: nothing to clean, the list as it came
    out, warnings = list(entries), []
    for index in marked:
        entry = entries[index]
        cleaned = out[index] = clean_entry(entry)
        if cleaned is not entry:
            warnings.append(TextWarning(entry.meta, WARNING, cleaned))
    return out, warnings
