"""Make ledger texts harmless in Fava: `<` and `>` become `‹` and `›`.

Fava 1.30 renders its journal (the Huvudbok and every account page) with
autoescape off (templates/_journal_table.html) and the browser puts that HTML
into the page: a text such as `<img src=x onerror=…>` — which an export from a
finance system can carry — would run in the browser of everyone who opens the
journal, also in a read-only Fava. Raw there are: payee, narration, a note, a
query's name (also inside a link), a custom entry's type (also inside
`class='…'`) and string values, an event's type (inside `class='…'`), a
document's file name, a posting's cost label, and currencies, dates and flags.
Metadata, tags, links, account and commodity names go through macros defined
outside the autoescape-off block, which escape; Fava's other pages (documents,
events, queries, commodities, errors, options) are Svelte, which escapes.

This plugin walks every directive and every field it has from one table
(`FIELDS`: one row per type in `beancount.core.data.ALL_DIRECTIVES`, one kind
per field; a type Beancount adds later has its strings cleaned as attributes)
and, per kind:

- text (payee, narration, a note, an event's description, a query's name, a
  custom entry's string values, a posting's cost label, and the string values
  of entry and posting metadata — also on open, close, pad, balance, commodity
  and price; Fava 1.30 escapes metadata, but another Fava or an extension need
  not): `<` and `>` become the look-alikes ‹ and ›, and the entry gets a
  warning at its file and line so the text can be corrected at its source;
- attribute (the type of a custom or event entry, which Fava writes into a
  single-quoted `class='…'`): as text, and `'` becomes ’ too, since a `'`
  there ends the attribute and can add an event handler (`' onclick='…`);
  elsewhere a `'` is only text and is kept (`Kalle's`);
- path (a document's file name): it must stay the name of a real file, so it
  is not changed; a document whose path holds `<` or `>` is refused — left
  out, with an error (not a warning) at its file and line: rename the file.
  A `'` in a path is kept: Fava shows the name as text, and in the link it
  writes `=` and spaces percent-encoded, so no attribute can follow;
- grammar (account names, currencies, tags, links, flags, metadata keys):
  Beancount's grammar lets no `<` or `>` in (tests/test_texter.py parses each).
  A currency may hold `'` (`A'B`, with only A–Z 0–9 ' . _ -): Fava writes a
  currency raw only as text, and inside an attribute (the commodity's name,
  which falls back to the currency) through a macro that escapes;
- not text, or not shown raw (dates, numbers, a query's BQL text, which Fava
  shows escaped and where `<` is a comparison): left as it is.

The option `title` is cleaned like a text, with a warning at its line.

Before (a line of an export):

    2026-01-31 * "Leverantör" "Faktura <img src=x onerror=alert(1)>"
      Kostnader:Socialnämnden:5731:4610:2200   100.00 SEK
        notering: "mindre än <10"
      Tillgångar:Socialnämnden:1690           -100.00 SEK
    2026-02-01 document Tillgångar:Socialnämnden:1690 "kvitto<1>.pdf"

After (what Fava and every other plugin see):

    2026-01-31 * "Leverantör" "Faktura ‹img src=x onerror=alert(1)›"
      Kostnader:Socialnämnden:5731:4610:2200   100.00 SEK
        notering: "mindre än ‹10"
      Tillgångar:Socialnämnden:1690           -100.00 SEK

with a warning at the transaction's line ("Varning: texten innehöll < eller >…")
and an error at the document's line (the document is left out).

    plugin "namndbok.plugins.texter"

Put it first: the other plugins then see the cleaned entries.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from beancount.core import data
from beancount.parser.grammar import ValueType

from namndbok.collector import paused_plugin

__plugins__ = ("texter",)

TABLE = str.maketrans({"<": "‹", ">": "›"})
ATTRIBUTE_TABLE = str.maketrans({"<": "‹", ">": "›", "'": "’"})
BOOKKEEPING = {"filename", "lineno"}

# The kinds of field (see the module's docstring).
TEXT = "text"
ATTRIBUTE = "attribute"
PATH = "path"
META = "meta"
POSTINGS = "postings"
VALUES = "values"
COST = "cost"
GRAMMAR = "grammar"
INERT = "inert"

# Every field of every directive type, with its kind. tests/test_texter.py checks that
# each type in data.ALL_DIRECTIVES is here with exactly its fields.
_COMMON = {"meta": META, "date": INERT}
FIELDS = {
    data.Open: {**_COMMON, "account": GRAMMAR, "currencies": GRAMMAR, "booking": INERT},
    data.Close: {**_COMMON, "account": GRAMMAR},
    data.Commodity: {**_COMMON, "currency": GRAMMAR},
    data.Pad: {**_COMMON, "account": GRAMMAR, "source_account": GRAMMAR},
    data.Balance: {**_COMMON, "account": GRAMMAR, "amount": GRAMMAR, "tolerance": INERT, "diff_amount": GRAMMAR},
    data.Transaction: {**_COMMON, "flag": GRAMMAR, "payee": TEXT, "narration": TEXT, "tags": GRAMMAR,
                       "links": GRAMMAR, "postings": POSTINGS},
    data.Note: {**_COMMON, "account": GRAMMAR, "comment": TEXT, "tags": GRAMMAR, "links": GRAMMAR},
    data.Event: {**_COMMON, "type": ATTRIBUTE, "description": TEXT},
    data.Query: {**_COMMON, "name": TEXT, "query_string": INERT},
    data.Price: {**_COMMON, "currency": GRAMMAR, "amount": GRAMMAR},
    data.Document: {**_COMMON, "account": GRAMMAR, "filename": PATH, "tags": GRAMMAR, "links": GRAMMAR},
    data.Custom: {**_COMMON, "type": ATTRIBUTE, "values": VALUES},
}


class _Kinds(dict):
    """FIELDS, and for a directive type not in it (one Beancount adds later) every field
    but its metadata taken as an attribute: its strings are cleaned, not skipped."""

    def __missing__(self, kind):
        self[kind] = {field: META if field == "meta" else ATTRIBUTE for field in kind._fields}
        return self[kind]


KINDS = _Kinds(FIELDS)
POSTING_FIELDS = {"account": GRAMMAR, "units": GRAMMAR, "cost": COST, "price": GRAMMAR, "flag": GRAMMAR,
                  "meta": META}
COST_FIELDS = {"number": INERT, "number_per": INERT, "number_total": INERT, "currency": GRAMMAR, "date": INERT,
               "label": TEXT, "merge": INERT}
# The options Fava shows, with their kind (the others are numbers, names Beancount checks, or paths).
OPTIONS = {"title": TEXT}


class TextWarning(NamedTuple):
    source: dict
    message: str
    entry: object


def clean(text):
    return text.translate(TABLE) if isinstance(text, str) and ("<" in text or ">" in text) else text


# --- the quick look: whether a field needs cleaning (most do not; kept cheap) ---

def _text(value) -> bool:
    return value.__class__ is str and ("<" in value or ">" in value)


def _attribute(value) -> bool:
    return value.__class__ is str and ("<" in value or ">" in value or "'" in value)


def _meta(meta) -> bool:
    if not meta or (len(meta) == 2 and "lineno" in meta and "filename" in meta):
        return False  # only where the parser put it: the common case, kept cheap
    for value in meta.values():  # the values first (no key looked at): most have no < or >
        if value.__class__ is str and ("<" in value or ">" in value):
            break
    else:
        return False
    return any(_text(value) and key not in BOOKKEEPING for key, value in meta.items())


def _cost(cost) -> bool:
    return cost is not None and _text(cost.label)


def _postings(postings) -> bool:
    """Written for the common case: postings that carry only the parser's filename and
    line (one length test per posting) and no cost."""
    for posting in postings:
        meta = posting.meta
        if meta and len(meta) > 2 and _meta(meta):
            return True
        cost = posting.cost
        if cost is not None and _text(cost.label):
            return True
    return False


def _values(values) -> bool:
    if values is None:
        return True  # a custom directive without values: Beancount leaves None, which every reader of values trips on
    for value in values:
        if value.dtype is str and ("<" in value.value or ">" in value.value):
            return True
    return False


LOOKS = {TEXT: _text, ATTRIBUTE: _attribute, PATH: _text, META: _meta, POSTINGS: _postings, VALUES: _values,
         COST: _cost}
assert {k for k in POSTING_FIELDS.values() if k in LOOKS} == {META, COST}, "_postings looks at meta and cost only"
assert [f for f, k in COST_FIELDS.items() if k in LOOKS] == ["label"], "_cost looks at the label only"


def _looks(fields: dict) -> tuple:
    """How the quick look reads a type: (its text fields, its attribute fields, the other
    fields to look at as (name, look)). Metadata, which every directive has, is looked at
    apart, first."""
    of = lambda kinds: tuple(name for name, kind in fields.items() if kind in kinds and name != "meta")  # noqa: E731
    others = of(set(LOOKS) - {TEXT, PATH, ATTRIBUTE})
    return of({TEXT, PATH}), of({ATTRIBUTE}), tuple((name, LOOKS[fields[name]]) for name in others)


class _Quick(dict):
    """The quick look's reading of each directive type, made at its first entry."""

    def __missing__(self, kind):
        self[kind] = _looks(KINDS[kind])
        return self[kind]


QUICK = _Quick()


def _needs_cleaning(entry) -> bool:
    """A quick look: whether any text of the entry has a character to clean (or refuse).

    Written for the common case, an entry whose texts hold no < > ' and whose postings
    carry only the parser's filename and line: no call but one per posting list."""
    if _meta(entry.meta):
        return True
    texts, attributes, others = QUICK[entry.__class__]
    for name in texts:
        value = getattr(entry, name)
        if value and ("<" in value or ">" in value):
            return True
    for name in attributes:
        value = getattr(entry, name)
        if value.__class__ is str and ("<" in value or ">" in value or "'" in value):
            return True
    for name, look in others:
        if look(getattr(entry, name)):
            return True
    return False


# --- the cleaning, of the few entries the quick look marked ---

def _translate(text, table, found: set):
    if not isinstance(text, str):
        return text
    found.update(char for char in "<>'" if ord(char) in table and char in text)
    return text.translate(table)


def _clean_meta(meta, found):
    if not _meta(meta):
        return meta
    return {k: (v if k in BOOKKEEPING else _translate(v, TABLE, found)) for k, v in meta.items()}


def _clean_cost(cost, found):
    return cost._replace(label=_translate(cost.label, TABLE, found)) if _cost(cost) else cost


def _clean_postings(postings, found):
    return [posting._replace(meta=_clean_meta(posting.meta, found), cost=_clean_cost(posting.cost, found))
            if _meta(posting.meta) or _cost(posting.cost) else posting for posting in postings]


def _clean_values(values, found):
    if values is None:
        return []  # made the empty list it stands for; the reader of the directive's kind says what is missing
    return [ValueType(_translate(v.value, TABLE, found), str) if v.dtype is str else v for v in values]


CLEANERS = {
    TEXT: lambda value, found: _translate(value, TABLE, found),
    ATTRIBUTE: lambda value, found: _translate(value, ATTRIBUTE_TABLE, found),
    META: _clean_meta,
    POSTINGS: _clean_postings,
    VALUES: _clean_values,
}


class Cleaned(NamedTuple):
    entry: object  # the entry with its texts cleaned (the same object when nothing changed)
    found: frozenset  # which of < > ' it held (when cleaned)
    refused: str | None  # the field that cannot be cleaned (the entry is then left out)


def clean_entry(entry) -> Cleaned:
    """The entry with every text field cleaned, by the kinds in FIELDS."""
    changes, found = {}, set()
    for name, kind in KINDS[entry.__class__].items():
        if kind not in LOOKS:
            continue
        value = getattr(entry, name)
        if not LOOKS[kind](value):
            continue
        if kind == PATH:
            return Cleaned(entry, frozenset(), name)
        changes[name] = CLEANERS[kind](value, found)
    return Cleaned(entry._replace(**changes) if changes else entry, frozenset(found), None)


WARNING = ("Varning: texten innehöll < eller >, som Fava visar som HTML; "
           "de visas som ‹ och ›. Skriv om texten i källan (t.ex. \"mindre än\").")
QUOTE = ("Varning: typen innehöll ', som i Favas huvudbok avslutar ett HTML-attribut; "
         "den visas som ’. Skriv om typen i källan.")
QUOTE_TOO = " Typens ' visas som ’."
REFUSED = ("Dokumentets filnamn innehåller < eller >, som Fava skulle visa som HTML; dokumentet "
           "är utelämnat. Byt namn på filen (utan < och >) och rätta raden.")


def message(found) -> str:
    """The warning for an entry whose texts held the characters `found`."""
    if "<" in found or ">" in found:
        return WARNING + (QUOTE_TOO if "'" in found else "")
    return QUOTE


def _option_line(filename: str, option: str) -> int:
    """The line of the main file that sets `option` (0 when it is not found)."""
    try:
        lines = Path(filename).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    needle = f'option "{option}"'
    return next((number for number, line in enumerate(lines, start=1) if line.lstrip().startswith(needle)), 0)


def clean_options(options_map) -> list:
    """Clean the options Fava shows, in place; a warning for each one cleaned."""
    warnings = []
    for option, kind in OPTIONS.items():
        value = options_map.get(option)
        if LOOKS[kind](value):
            found = set()
            options_map[option] = CLEANERS[kind](value, found)
            filename = options_map.get("filename") or ""
            source = {"filename": filename, "lineno": _option_line(filename, option)}
            warnings.append(TextWarning(source, message(found), None))
    return warnings


@paused_plugin
def texter(entries, options_map):
    warnings = clean_options(options_map)
    marked = [index for index, entry in enumerate(entries) if _needs_cleaning(entry)]
    if not marked:
        return entries, warnings  # the common case: nothing to clean, the list as it came
    out = list(entries)
    refused = []
    for index in marked:
        entry = entries[index]
        cleaned = clean_entry(entry)
        if cleaned.refused:
            refused.append(index)
            warnings.append(TextWarning(entry.meta, REFUSED, entry))
        elif cleaned.entry is not entry:
            out[index] = cleaned.entry
            if cleaned.found:
                warnings.append(TextWarning(entry.meta, message(cleaned.found), cleaned.entry))
    if refused:
        gone = set(refused)
        out = [entry for index, entry in enumerate(out) if index not in gone]
    return out, warnings
