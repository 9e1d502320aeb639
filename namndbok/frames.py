"""The committee's tables as pandas DataFrames, for a notebook: `namndbok.open(path)`.

    import namndbok

    bok = namndbok.open("ledgers/exempel/socialnamnden.beancount")
    bok.avvikelse("2026-10")                       # as `namndbok uppfoljning`: utfall, budget, prognos, avvikelse …
    bok.utfall(2026).groupby("verksamhet")["belopp"].sum()
    bok.eget_kapital("2026-10")                    # ingående, beslut, årets resultat, utgående per year
    bok.nyckeltal("2026-10")                       # kostnad per vårddygn … with volym- and priseffekt

Nothing is computed here: every frame is a table of the engine the CLI, the Fava
extension and the period-close files print (`namndbok.engine.compute`,
`namndbok.fakta.facts`, `namndbok.eget_kapital.roll_forward_table`,
`namndbok.nyckeltal.compute_nyckeltal`), laid out as columns. Amounts are in
kronor in the committee's sign (kommunbidrag and intäkter positive, kostnader
negative), as `float`; `exakt=True` keeps them as the engine's exact `Decimal`.
A ledger with errors is refused (`LedgerError`, the same Swedish text as the CLI's).
"""

from __future__ import annotations

import calendar
import datetime
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd

from namndbok.eget_kapital import roll_forward_table, table_years
from namndbok.engine import MEASURES, SELECTION_TOTALS, SELECTIONS, compute
from namndbok.fakta import Fact, facts
from namndbok.ledgerdata import NO_KONTOPLAN
from namndbok.load_reading import reading_of
from namndbok.loading import faults, faults_message, load
from namndbok.nyckeltal import NyckeltalError, compute_nyckeltal, load_specs, parse_volumes

FACT_COLUMNS = Fact._fields
NYCKELTAL_COLUMNS = ("totala_kostnader", "ovriga_intakter", "nettokostnad", "volym", "per_enhet", "budget_nettokostnad",
                     "budget_volym", "budget_per_enhet", "avvikelse", "volymeffekt", "priseffekt")


class LedgerError(Exception):
    """Why the ledger's tables cannot be given (Swedish)."""


def as_date(value: datetime.date | str) -> datetime.date:
    """A report date: a date, or 'ÅÅÅÅ-MM' (the month's last day) or 'ÅÅÅÅ-MM-DD'."""
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = int(text[:4]), int(text[5:])
            return datetime.date(year, month, calendar.monthrange(year, month)[1])
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(f"'{value}' är inget datum: skriv ÅÅÅÅ-MM (t.ex. 2026-10) eller ÅÅÅÅ-MM-DD.")


class Book:
    """One ledger, loaded once, and its tables as DataFrames (see the module docstring)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise LedgerError(f"Hittar inte liggaren {self.path}.")
        entries, errors, options = load(self.path)
        wrong = faults(errors)
        if wrong:
            raise LedgerError(faults_message(wrong, self.path))
        self.entries, self.options = entries, options
        self.data = reading_of(entries, options)  # the reading the load made, when it is provably these entries

    def __repr__(self) -> str:
        return f"<Nämndbok {self.options.get('title') or self.path.name}>"

    # -- flat facts: one row per month × account × measure

    def facts(self, per: datetime.date | str | None = None, exakt: bool = False) -> pd.DataFrame:
        """Every fact up to `per` (default: the last utfall, else today): utfall, budget, prognos, volym."""
        date = as_date(per) if per is not None else self._last_date()
        volumes, _ = parse_volumes(self.entries, self.data.roots, self.data.kontoplaner)
        frame = pd.DataFrame.from_records(facts(self.data, volumes, date), columns=FACT_COLUMNS)
        frame["manad"] = frame["manad"].astype("Int64")  # a prognos is for the whole year: no month
        return _amounts(frame, ("belopp",), exakt)

    def utfall(self, ar: int | None = None, exakt: bool = False) -> pd.DataFrame:
        """Utfall per month and account (all years, or the year `ar`): the result's (typ kommunbidrag, intäkt,
        kostnad) and the balance sheet's movements (typ tillgång, skuld, eget kapital …)."""
        return self._measure("utfall", ar, exakt)

    def budget(self, ar: int | None = None, exakt: bool = False) -> pd.DataFrame:
        """The budget in effect, periodized per month and account, with the decision it comes from (`version`)."""
        return self._measure("budget", ar, exakt)

    def prognos(self, ar: int | None = None, exakt: bool = False) -> pd.DataFrame:
        """The latest follow-up's helårsprognos per account, each fall (huvud, basta, samsta)."""
        return self._measure("prognos", ar, exakt)

    # -- the engine's tables

    def avvikelse(self, per: datetime.date | str, grupp: str | tuple[str, ...] = "radgrupp", urval: str = "netto",
                  budgetversion: str | None = None, summa: bool = True, exakt: bool = False) -> pd.DataFrame:
        """The follow-up table at `per`, as `namndbok uppfoljning` prints it: a row per group (nämnd, radgrupp,
        verksamhet, konto, ansvar or typ, or a tuple of them) of the intäkter and kostnader (`urval="netto"`) or also
        kommunbidrag (`"resultat"`), and with `summa` the total; a column per measure (utfall, budget, avvikelse,
        budget_helar, prognos, avvikelse_helar, avvikelse_helar_pct, utfall_fg …)."""
        group_by = (grupp,) if isinstance(grupp, str) else tuple(grupp)
        if urval not in SELECTIONS:
            raise ValueError(f"Okänt urval '{urval}'; välj {' eller '.join(SELECTIONS)}.")
        if budgetversion is not None and budgetversion not in {d.name for d in self.data.decisions}:
            raise ValueError(f"Budgetbeslutet '{budgetversion}' finns inte i liggaren.")
        table = compute(self.data, as_date(per), group_by, SELECTIONS[urval], budget_version=budgetversion)
        rows = [(*row.key, row.label, *row.measures) for row in table.rows]
        if summa:
            rows.append((*([None] * len(group_by)), SELECTION_TOTALS[urval], *table.total.measures))
        frame = pd.DataFrame.from_records(rows, columns=(*group_by, "rad", *MEASURES))
        return _amounts(frame, tuple(m for m in MEASURES if m != "avvikelse_helar_pct"), exakt,
                        ratios=("avvikelse_helar_pct",))

    def eget_kapital(self, per: datetime.date | str | None = None, exakt: bool = False) -> pd.DataFrame:
        """Eget kapital year by year: a row per line (ingående, each decision, årets resultat, utgående),
        a column per year (this year also by budget and by prognos)."""
        date = as_date(per) if per is not None else self._last_date()
        table = roll_forward_table(self.data, table_years(self.data, date), date)
        frame = pd.DataFrame([values for _, values in table.rows], index=[label for label, _ in table.rows],
                             columns=list(table.columns))
        return _amounts(frame, tuple(table.columns), exakt)

    def nyckeltal(self, per: datetime.date | str, exakt: bool = False) -> pd.DataFrame:
        """The nyckeltal of `nyckeltal.toml` beside the ledger, at `per`: a row per nyckeltal."""
        date = as_date(per)
        plan = next(iter(self.data.kontoplaner.values()), None)
        if plan is None:
            raise LedgerError(f"{self.path}: {NO_KONTOPLAN.format('nyckeltalen')}")
        path = self.path.parent / "nyckeltal.toml"
        if not path.exists():
            raise LedgerError(f"{path} finns inte; den anger vilka nyckeltal nämnden följer.")
        try:
            specs = load_specs(path, plan)
        except NyckeltalError as err:
            raise LedgerError(str(err)) from None
        volumes, _ = parse_volumes(self.entries, self.data.roots, self.data.kontoplaner)
        results = [compute_nyckeltal(self.data, volumes, spec, date) for spec in specs]
        frame = pd.DataFrame.from_records(
            [(r.spec.label, r.spec.namn, r.spec.enhet, *(getattr(r, column) for column in NYCKELTAL_COLUMNS))
             for r in results], columns=("verksamhet", "matt", "enhet", *NYCKELTAL_COLUMNS))
        return _amounts(frame, tuple(c for c in NYCKELTAL_COLUMNS if c not in ("volym", "budget_volym")), exakt,
                        ratios=("volym", "budget_volym"))

    # --

    def _measure(self, matt: str, ar: int | None, exakt: bool) -> pd.DataFrame:
        per = datetime.date(ar, 12, 31) if ar is not None else self._last_date()
        frame = self.facts(per, exakt)
        frame = frame[frame["matt"] == matt]
        if ar is not None:
            frame = frame[frame["ar"] == ar]
        return frame.drop(columns=[c for c in ("matt", "enhet") if c in frame]).reset_index(drop=True)

    def _last_date(self) -> datetime.date:
        """The ledger's last day with utfall (today when it has none)."""
        span = self.data.utfall_span()
        return span[1] if span else datetime.date.today()


def _amounts(frame: pd.DataFrame, columns: tuple[str, ...], exakt: bool, ratios: tuple[str, ...] = ()) -> pd.DataFrame:
    """The amount columns as float (None as NaN), or kept as exact Decimal."""
    if exakt:
        return frame
    for column in (*columns, *ratios):
        if column in frame:
            frame[column] = frame[column].map(lambda value: float(value) if isinstance(value, Decimal) else value).astype(float)
    return frame
