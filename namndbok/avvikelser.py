"""The deviation list: where the year is heading away from budget, and why.

    Utredningsenhet vuxen −6,0 mnkr (sep −5,6 mnkr). Fler placeringar än budgeterat.

One line per unit (ansvar), verksamhet or row group whose helårsavvikelse
(prognos − budget) is at least the threshold, largest first, with the same
figure at the previous follow-up and the economist's comment. Comments come
from the prognos lines' `kommentar:` (per verksamhet) and from
`kommentarer/<ÅÅÅÅ-MM>.toml` beside the ledger, kept in git with the numbers:

    [ansvar]
    "3100" = "Fler placeringar på HVB än budgeterat."
    [verksamhet]
    "5731" = "…"
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from namndbok.engine import compute
from namndbok.prognos import prognos_at
from namndbok.settings import Key, SettingsError, is_table, read_settings


class Deviation(NamedTuple):
    key: str | None
    label: str
    avvikelse: Decimal  # prognos − budget, the committee's sign
    foregaende: Decimal | None  # the same at the previous follow-up
    comment: str | None


class CommentError(SettingsError):
    """A comment file that cannot be used; str() is `fil:rad: meddelande`."""

    SHOWS_LINE_ZERO = True


def _comments(value) -> bool:
    return is_table(value) and all(isinstance(v, str) for v in value.values())


COMMENTS = Key(_comments, '[{key}] ska ha en rad per kod: "3100" = "kommentar".')


def comments_for(ledger_dir: Path, date: datetime.date, dimension: str) -> dict[str, str]:
    path = Path(ledger_dir) / "kommentarer" / f"{date:%Y-%m}.toml"
    if not path.exists():
        return {}
    toml = read_settings(path, CommentError, "Kommentarsfilen")
    toml.check((), toml.data, {name: COMMENTS for name in ("ansvar", "verksamhet", "radgrupp")},
               "Okänd tabell [{key}]; tillåtna är {allowed}.")
    return dict(toml.data.get(dimension, {}))


def comments(data, ledger_dir: Path, date: datetime.date, dimension: str) -> dict[str, str]:
    """The comment per code of `dimension` at `date`, as the deviation list shows it: the comment
    file's (`comments_for`), else the prognos lines' `kommentar:` (per verksamhet)."""
    return _merged(comments_for(ledger_dir, date, dimension), data, date, dimension)


def _merged(given: dict[str, str] | None, data, date: datetime.date, dimension: str) -> dict[str, str]:
    from_prognos = _prognos_comments(data, date) if dimension == "verksamhet" else {}
    return {**from_prognos, **{k: v for k, v in (given or {}).items() if v}}


class DeviationStyle(NamedTuple):
    """How a deviation list is made (`[avvikelser]` in rapportpaket.toml); the defaults are the
    report set's list as it always was."""

    per: str = "verksamhet"  # or "ansvar", "radgrupp"
    troskel: Decimal = Decimal(500_000)  # kronor
    tecken: str = "-"  # "+": a positive figure is written +12,3
    koder: bool = True  # the code before the name (571 Missbrukarvård …)
    ordning: str = "storlek"  # or "kontoplan"
    foregaende: bool = True  # the previous follow-up's figure in brackets


def deviations(data, date: datetime.date, dimension: str = "ansvar", threshold: Decimal = Decimal(0),
               comments: dict[str, str] | None = None, order: str = "storlek") -> list[Deviation]:
    """The rows at or above the threshold, largest first (`order="storlek"`) or as the kontoplan
    orders them (`"kontoplan"`)."""
    table = compute(data, date, group_by=(dimension,))
    previous = compute(data, table.foregaende_uppfoljning, group_by=(dimension,)) if table.foregaende_uppfoljning else None
    comments = _merged(comments, data, date, dimension)
    out = []
    for row in table.rows:
        value = row.measures.avvikelse_helar
        if value is None or abs(value) < threshold:
            continue
        before = None
        if previous is not None:
            try:
                before = previous.row(*row.key).measures.avvikelse_helar
            except KeyError:
                pass
        key = row.key[0]
        comment = comments.get(key)
        out.append(Deviation(key, row.label, value, before, comment))
    if order == "storlek":
        out.sort(key=lambda d: (-abs(d.avvikelse), d.label))
    return out  # else the engine's order: the kontoplan's


def _prognos_comments(data, date) -> dict[str, str]:
    texts: dict[str, list[str]] = {}
    for line in prognos_at(data.prognos, data.refs, date):
        if line.kommentar:
            texts.setdefault(data.refs[line.account].verksamhet, []).append(line.kommentar)
    return {k: " ".join(v) for k, v in texts.items()}


def format_deviation(deviation: Deviation, previous_date: datetime.date | None, unit: str = "mnkr",
                     sign: str = "-", codes: bool = True) -> str:
    """One line; `sign="+"` writes a positive figure +12,3, `codes=False` drops the code before
    the name, no `previous_date` leaves out the previous follow-up's figure."""
    from namndbok.swedish import MONTHS_SHORT

    label = deviation.label
    if not codes and deviation.key is not None:
        label = label.removeprefix(f"{deviation.key} ")
    text = f"{label} {_amount(deviation.avvikelse, unit, sign)} {unit}"
    if deviation.foregaende is not None and previous_date is not None:
        text += f" ({MONTHS_SHORT[previous_date.month - 1]} {_amount(deviation.foregaende, unit, sign)} {unit})"
    if deviation.comment:
        text += f". {deviation.comment}"
    return text


def _amount(value: Decimal, unit: str, sign: str) -> str:
    from namndbok.swedish import format_amount

    text = format_amount(value, unit)
    return f"+{text}" if sign == "+" and text[0].isdigit() and text.strip("0,") else text


def deviation_lines(data, ledger_dir: Path, date: datetime.date, style: DeviationStyle = DeviationStyle()) -> list[str]:
    """The report set's deviation list as lines, made as `style` says (comments of its dimension)."""
    found = deviations(data, date, style.per, style.troskel, comments_for(ledger_dir, date, style.per), style.ordning)
    previous = compute(data, date).foregaende_uppfoljning if style.foregaende else None
    return [format_deviation(d, previous, sign=style.tecken, codes=style.koder) for d in found]
