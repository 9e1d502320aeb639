"""Periodisering: how a yearly budget is spread over the months.

A key is one of

- `jämn`: twelve equal months;
- `fjolår`: last year's utfall pattern for the same account (its sub-accounts
  included); where last year has no utfall the key falls back to `jämn`;
- the name of a profile: twelve weights in `periodisering.toml`;
- a line's own weights, `vikter: 8 8 8 8 8 8 4 8 10 10 10 10` (a monthly budget
  workbook's months become this).

Which key applies to a budget line, most specific first: the line's own
`nyckel:` metadata; the longest account prefix under [nycklar]; then
`konto:<nr>`, `verksamhet:<kod>`, `ansvar:<kod>`, `grupp:<radgrupp>`,
`typ:<intäkt|kostnad|kommunbidrag>`; then `standard`.

    standard = "jämn"

    [profiler]
    "höstfakturering" = [2, 2, 2, 2, 2, 2, 1, 2, 20, 20, 20, 27]
    "semester"        = [100, 97, 100, 100, 100, 106, 72, 93, 104, 104, 105, 119]

    [nycklar]
    "konto:5020" = "semester"
    "Intäkter:Socialnämnden:589:3320" = "höstfakturering"
    "grupp:Barn- och ungdomsvård" = "fjolår"

`share_through(weights, date)` is the part of the year's amount that falls
from 1 January to `date` inclusive (a partial month by its days). It is exact:
on 31 December it is 1, so the months always add up to the year.
"""

from __future__ import annotations

import calendar
import datetime
import functools
from decimal import Decimal
from pathlib import Path
from typing import Callable, NamedTuple

from beancount.core import account as bc_account

from namndbok.accounts import AccountRef
from namndbok.settings import Key, Settings, SettingsError, anything, is_table, read_text

EVEN = "jämn"
LAST_YEAR = "fjolår"
SELECTORS = ("konto", "verksamhet", "ansvar", "grupp", "typ")
Weights = tuple[Decimal, ...]
EVEN_WEIGHTS: Weights = (Decimal(1),) * 12


class Periodisering(NamedTuple):
    path: str | None
    standard: str
    profiler: dict[str, Weights]
    nycklar: dict[str, str]  # selector ("konto:4610", an account prefix) → key


DEFAULT = Periodisering(None, EVEN, {}, {})


class PeriodiseringError(SettingsError):
    """A periodisering file that cannot be used; str() is `fil:rad: meddelande`."""

    SHOWS_LINE_ZERO = True


def load_periodisering(path: str | Path) -> Periodisering:
    return parse_periodisering(read_text(path, PeriodiseringError, "Filen", "Kontrollera sökvägen i plugin-raden."), str(path))


def _is_profile(weights) -> bool:
    return (isinstance(weights, list) and len(weights) == 12
            and all(isinstance(w, (int, float)) and not isinstance(w, bool) and w >= 0 for w in weights)
            and sum(weights) > 0)


TABLE = "[{key}] ska vara en tabell: skriv raden [{key}] och en rad per namn under den."
TOP = {
    "standard": Key(anything, ""),  # a known key: checked once the profiles are read
    "profiler": Key(is_table, TABLE),
    "nycklar": Key(is_table, TABLE),
}


@functools.lru_cache(maxsize=32)  # a pure parse: several plugins of one load read the same file
def parse_periodisering(text: str, path: str = "<periodisering>") -> Periodisering:
    toml = Settings(text, path, PeriodiseringError)
    data = toml.data
    toml.check((), data, TOP, "Okänd inställning '{key}'; tillåtna är {allowed}.")
    profiler: dict[str, Weights] = {}
    for name, weights in data.get("profiler", {}).items():
        if not _is_profile(weights):
            raise toml.fail(("profiler", name), f"Profilen '{name}' ska ha tolv vikter ≥ 0 (en per månad) med positiv summa.")
        if name in (EVEN, LAST_YEAR):
            raise toml.fail(("profiler", name), f"'{name}' är en inbyggd nyckel och kan inte vara namnet på en profil.")
        profiler[name] = tuple(Decimal(str(w)) for w in weights)
    known = set(profiler) | {EVEN, LAST_YEAR}
    standard = data.get("standard", EVEN)
    if not isinstance(standard, str) or standard not in known:
        raise toml.fail("standard", f"standard = '{standard}' är ingen känd nyckel ({', '.join(sorted(known))}).")
    nycklar: dict[str, str] = {}
    for selector, key in data.get("nycklar", {}).items():
        kind, sep, _ = selector.partition(":")
        if not sep or (kind not in SELECTORS and not bc_account.is_valid(selector)):
            raise toml.fail(("nycklar", selector), f"'{selector}' är ingen giltig väljare: skriv konto:<nr>, verksamhet:<kod>, ansvar:<kod>, grupp:<namn>, typ:<typ> eller ett kontonamn.")
        if not isinstance(key, str) or key not in known:
            raise toml.fail(("nycklar", selector), f"Nyckeln '{key}' för '{selector}' finns inte; kända nycklar: {', '.join(sorted(known))}.")
        nycklar[selector] = key
    return Periodisering(path, standard, profiler, nycklar)


def key_for(p: Periodisering, ref: AccountRef, grupp: str | None, override: str | None = None) -> str:
    """The key that spreads a budget line on `ref` (see the module docstring)."""
    if override:
        return override
    best = None
    for selector, key in p.nycklar.items():
        if selector.split(":")[0] in SELECTORS:
            continue
        if ref.account == selector or ref.account.startswith(selector + ":"):
            if best is None or len(selector) > len(best[0]):
                best = (selector, key)
    if best:
        return best[1]
    values = {"konto": ref.konto, "verksamhet": ref.verksamhet, "ansvar": ref.ansvar, "grupp": grupp, "typ": ref.kind}
    for selector in SELECTORS:
        if values[selector] is not None and f"{selector}:{values[selector]}" in p.nycklar:
            return p.nycklar[f"{selector}:{values[selector]}"]
    return p.standard


INLINE = "vikter:"


def inline_weights(key: str) -> Weights | None:
    """A line's own twelve weights, `nyckel: "vikter: 8 8 8 8 8 8 4 8 10 10 10 10"`
    (what a monthly budget workbook becomes); None when the key is not of that form
    or does not hold twelve numbers with a sum other than zero."""
    if not key.startswith(INLINE):
        return None
    try:
        weights = tuple(Decimal(w) for w in key[len(INLINE):].replace(",", " ").split())
    except ArithmeticError:
        return None
    return weights if len(weights) == 12 and sum(weights) != 0 else None


def is_known_key(key: str, p: Periodisering) -> bool:
    """Whether `key` (a line's `nyckel:`, any metadata value) names a key: a text only."""
    return isinstance(key, str) and (key in (EVEN, LAST_YEAR) or key in p.profiler or inline_weights(key) is not None)


def weights_for(
    key: str, p: Periodisering, last_year: Callable[[], tuple[Decimal, ...]]
) -> Weights:
    """Twelve weights for a key; `last_year()` gives last year's monthly utfall."""
    if key == EVEN:
        return EVEN_WEIGHTS
    if key.startswith(INLINE):
        return inline_weights(key)
    if key == LAST_YEAR:
        pattern = last_year()
        return pattern if sum(pattern) != 0 else EVEN_WEIGHTS
    return p.profiler[key]


def share_through(weights: Weights, date: datetime.date) -> Decimal:
    """The part of a year spread by `weights` that falls on 1 January … `date`."""
    return _share_through(tuple(weights), date)


@functools.lru_cache(maxsize=4096)
def _share_through(weights: Weights, date: datetime.date) -> Decimal:
    # Memoized: a page or a chart asks it for every budget line at each month's end,
    # and the keys are few (jämn, the profiles, a fjolår pattern per account).
    total = sum(weights)
    done = sum(weights[: date.month - 1])
    days = calendar.monthrange(date.year, date.month)[1]
    if date.day == days:
        return (done + weights[date.month - 1]) / total
    return (done + weights[date.month - 1] * date.day / days) / total


def month_shares(weights: Weights) -> tuple[Decimal, ...]:
    """Each month's part of the year; they add up to exactly 1."""
    return _month_shares(tuple(weights))


@functools.lru_cache(maxsize=4096)  # pure in the weights; most lines share a handful of keys
def _month_shares(weights: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    total = sum(weights)
    cumulative = [Decimal(0)]
    running = Decimal(0)
    for w in weights:
        running += w
        cumulative.append(running / total)
    return tuple(b - a for a, b in zip(cumulative, cumulative[1:]))


def month_end(year: int, month: int) -> datetime.date:
    """The month's last day."""
    return datetime.date(year, month, calendar.monthrange(year, month)[1])
