"""The municipality's table: every nämnd's kommunbidrag, nettokostnad, budget, prognos,
avvikelse and eget kapital, the finansförvaltning, and the kommun's årets resultat.

    kommunens årets resultat = Σ nämnder (kommunbidrag + nettokostnad)
                               + finansförvaltningen (skatteintäkter + statsbidrag + finansnetto − kommunbidrag)
                             = skatteintäkter + generella statsbidrag + finansnetto + Σ nettokostnad

in the committee's sign (nettokostnad negative). The kommunbidrag is the kommun paying
itself: it cancels, and the result is computed without it, so a kommunbidrag the
nämnder book and the finansförvaltning does not (or the other way round) does not move
the result; it is said as a warning with both figures (`KommunTable.warnings`).
Ianspråktagande av ackumulerat resultat (disposition) is a nämnd using its part of
the kommun's eget kapital, not a revenue of the kommun: it is left out too.

The finansförvaltning's ledger is an ordinary ledger whose kontoplan marks each result
konto with its `finanspost` (`namndbok.kontoplan.FINANSPOSTER`, by Kommun-Bas 80/82/84/85
or written out; docs/kommun.md).

`kommun_table` is pure (loaded ledgers in, a table out), used by the CLI, period-close
and the Fava page alike; `load_kommun` reads the ledgers, one after the other, and
refuses a ledger with errors, naming the nämnd and the error's fil:rad.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Iterable, NamedTuple

from namndbok.accounts import KIND_INTAKT, KIND_KOMMUNBIDRAG, KIND_KOSTNAD, RESULT_KINDS
from namndbok.engine import Measures, add_measures, compute
from namndbok.fileio import shown
from namndbok.kommun_folder import FINANS, KommunError, KommunFolder, NamndLedger

FINANS_LABELS = {
    "skatteintakter": "Skatteintäkter",
    "statsbidrag": "Generella statsbidrag och utjämning",
    "finansnetto": "Finansnetto",
    "kommunbidrag": "Kommunbidrag till nämnderna",
}
NAMNDER_TOTAL = "Summa nämnder"
RESULT_LABEL = "Kommunens årets resultat"


class Loaded(NamedTuple):
    """One ledger of the kommun, loaded without errors (warnings are fine)."""

    folder: Path
    ledger: Path
    entries: list
    options: dict
    data: object  # its reading (namndbok.ledgerdata.LedgerData)


class NamndRow(NamedTuple):
    namn: str  # the kontoplan's namn (else the ledger's title)
    ledger: Path
    kommunbidrag: Measures  # its kommunbidrag: the year's as decided at the date (budget_helar), utfall to the date
    netto: Measures  # nettokostnad (intäkter + kostnader): utfall to the date, budget and prognos helår, avvikelse
    eget_kapital: Decimal | None  # utgående at the year's end by prognos


class FinansRow(NamedTuple):
    post: str  # FINANSPOSTER
    label: str
    measures: Measures


class KommunTable(NamedTuple):
    namn: str
    date: datetime.date
    namnder: list[NamndRow]
    total: NamndRow  # Summa nämnder
    finans: list[FinansRow]  # empty without a finansförvaltning
    resultat: Measures | None  # kommunens årets resultat; None without a finansförvaltning
    warnings: list[str]


def load_kommun(kommun: KommunFolder, keep: bool = True) -> tuple[list[Loaded], Loaded | None]:
    """Each nämnd's ledger and the finansförvaltning's, loaded one after the other through
    `namndbok.loading.load` (each under its shared lock, or the write lock its caller holds);
    KommunError (Swedish) naming the first with errors, its fil:rad, and what to do."""
    namnder = [load_one(item, keep) for item in kommun.namnder]
    return namnder, (load_one(kommun.finans, keep) if kommun.finans is not None else None)


def load_one(item: NamndLedger, keep: bool = True) -> Loaded:
    from namndbok.load_reading import reading_of
    from namndbok.loading import faults, faults_message, load

    entries, errors, options = load(item.ledger, keep=keep)
    wrong = faults(errors)
    if wrong:
        raise KommunError(f"{which(item.folder)} kan inte läsas: {faults_message(wrong, shown(item.ledger))}")
    return Loaded(item.folder, item.ledger, entries, options, reading_of(entries, options))


def which(folder: Path) -> str:
    """How a message names a ledger of the kommun: the finansförvaltning, or the nämnd by its folder."""
    return "Finansförvaltningen" if folder.name == FINANS else f"Nämnden i {shown(folder)}"


def namnd_row(item: Loaded, date: datetime.date) -> NamndRow:
    """One nämnd's row: the engine's table by typ (as `namndbok uppfoljning --grupp typ --urval resultat`)
    and its eget kapital rolled forward to the year's end by prognos (as `namndbok eget-kapital`'s)."""
    from namndbok.eget_kapital import roll_forward

    data = item.data
    rows = {row.key[0]: row.measures for row in compute(data, date, group_by=("typ",), kinds=RESULT_KINDS).rows}
    netto = add_measures(rows[kind] for kind in (KIND_INTAKT, KIND_KOSTNAD) if kind in rows)
    kommunbidrag = rows.get(KIND_KOMMUNBIDRAG, Measures())
    forward = roll_forward(data, date.year, date)
    eget_kapital = (sum((r.ingaende + r.beslut_summa + (r.arets_resultat_prognos or 0) for r in forward), Decimal(0))
                    if forward else None)
    return NamndRow(namn_of(item), item.ledger, kommunbidrag, netto, eget_kapital)


def namn_of(item: Loaded) -> str:
    plan = next(iter(item.data.kontoplaner.values()), None)
    return plan.namn if plan is not None else item.options.get("title") or item.folder.name


def finans_rows(item: Loaded, date: datetime.date) -> list[FinansRow]:
    """The finansförvaltning's lines in FINANSPOSTER order: its result per konto, each konto's
    `finanspost`; KommunError at the kontoplan's line for a konto without one, or for a line
    the engine cannot put on a konto (budget or prognos on a verksamhet: name the konto)."""
    from namndbok.kontoplan import FINANSPOSTER

    data = item.data
    plan = next(iter(data.kontoplaner.values()), None)
    if plan is None:
        raise KommunError(f"Finansförvaltningen ({shown(item.ledger)}) har ingen kontoplan; den behövs för finansposterna.")
    sums: dict[str, list[Measures]] = {}
    for row in compute(data, date, group_by=("konto",), kinds=RESULT_KINDS).rows:
        konto = plan.konton.get(row.key[0]) if row.key[0] is not None else None
        if konto is None:
            raise KommunError(f"{_off_konto(data, item.ledger)}: finansförvaltningens utfall, budget och prognos ska stå på "
                              f"konton (Intäkter:{plan.namnd}:<verksamhet>:<konto>), inte på en verksamhet eller "
                              "som kommunbidrag. Skriv kontot på budget- och prognosraderna.")
        if konto.finanspost is None:
            raise KommunError(f"{plan.path}:{plan.line_of('konton', konto.nr)}: konto {konto.nr} ({konto.namn}) har "
                              f"ingen finanspost. Ange finanspost = ett av {', '.join(FINANSPOSTER)}.")
        sums.setdefault(konto.finanspost, []).append(row.measures)
    return [FinansRow(post, FINANS_LABELS[post], add_measures(sums[post])) for post in FINANSPOSTER if post in sums]


def _off_konto(data, ledger: Path) -> str:
    """`fil:rad` of the first budget or prognos line of the finansförvaltning that names no konto (the ledger
    itself when it is utfall on a verksamhet)."""
    for line in (*data.budget_lines, *data.prognos):
        ref = data.refs.get(line.account)
        if ref is not None and ref.kind in RESULT_KINDS and ref.konto is None and line.meta.get("filename"):
            return f"{line.meta['filename']}:{line.meta.get('lineno', 0)}"
    return shown(ledger)


def kommun_table(namn: str, namnder: Iterable[Loaded], finans: Loaded | None, date: datetime.date) -> KommunTable:
    """The kommun's table at `date` (see the module docstring)."""
    rows = [namnd_row(item, date) for item in namnder]
    total = NamndRow(NAMNDER_TOTAL, Path(), add_measures(r.kommunbidrag for r in rows),
                     add_measures(r.netto for r in rows), _sum(r.eget_kapital for r in rows))
    lines = finans_rows(finans, date) if finans is not None else []
    resultat = None
    warnings = []
    if finans is not None:
        resultat = add_measures([total.netto, *(line.measures for line in lines if line.post != "kommunbidrag")])
        paid = next((line.measures for line in lines if line.post == "kommunbidrag"), Measures())
        for measure, what in (("budget_helar", f"budget {date.year}"), ("utfall", f"utfall t.o.m. {date}")):
            warning = _mismatch(getattr(total.kommunbidrag, measure), getattr(paid, measure), what)
            if warning:
                warnings.append(warning)
    return KommunTable(namn, date, rows, total, lines, resultat, warnings)


def _mismatch(received: Decimal | None, paid: Decimal | None, what: str) -> str | None:
    """The warning when the nämnder's kommunbidrag and the finansförvaltning's payment differ (paid is a cost: negative)."""
    from namndbok.swedish import format_amount

    received, paid_out = received or Decimal(0), -(paid or Decimal(0))
    if received == paid_out:
        return None
    return (f"Varning: nämndernas kommunbidrag ({what}) är {format_amount(received, 'kr', 2)} kr men finansförvaltningen "
            f"betalar ut {format_amount(paid_out, 'kr', 2)} kr (skillnad {format_amount(received - paid_out, 'kr', 2)} kr). "
            "Kommunens årets resultat räknas utan kommunbidraget (skatteintäkter, statsbidrag och finansnetto minus "
            "nämndernas nettokostnad); stäm av kommunbidraget i nämndernas och finansförvaltningens liggare.")


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    given = [v for v in values if v is not None]
    return sum(given, Decimal(0)) if given else None
