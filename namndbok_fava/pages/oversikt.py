"""Översikt, the landing page: the year at a glance on one screen.

Helårsprognos against budget (the total and per radgrupp, as `namndbok uppfoljning`
prints them), eget kapital this year (hittills, by budget and by prognos, as
`namndbok eget-kapital`), the prognos at each follow-up (the prognos page's chart)
and the largest avvikelser with their comments (`namndbok avvikelser`'s list, from
`namndbok.avvikelser.deviations` with the report set's defaults). Every number is
the engine's; this module only picks and prints.
"""

from __future__ import annotations

from namndbok.swedish import MONTHS_SHORT, format_amount, format_measure
from namndbok_fava import charts
from namndbok_fava.pages import Cell, Table, ek_decisions, link, measure_cell, netto, without_folder
from namndbok_fava.tone import BAD, GOOD

LARGEST = 5  # avvikelser shown
# The radgrupp table's columns: (measure, header).
COLUMNS = (
    ("budget_helar", "Budget helår"),
    ("prognos", "Prognos helår"),
    ("avvikelse_helar", "Avvikelse"),
    ("avvikelse_helar_pct", "Avvikelse %"),
)


def page(ext, data, date, args) -> dict:
    table = netto(ext, date, "radgrupp")
    total = table.total.measures
    rows = [([Cell(row.label, link(sida="budget", radgrupp=row.key[0]) if row.key[0] is not None else None),
              *(measure_cell(row.measures, m) for m, _ in COLUMNS)], False) for row in table.rows]
    rows.append(([Cell("Nettokostnader"), *(measure_cell(total, m) for m, _ in COLUMNS)], True))
    helar = Table(f"Nettokostnader helår {date.year} per radgrupp (mnkr)", ("Radgrupp", *(h for _, h in COLUMNS)),
                  rows, "oversikt-prognos")
    avvikelse = measure_cell(total, "avvikelse_helar")
    ek = eget_kapital(ext, date)
    return {
        "figures": [
            (f"Prognos helår {date.year}", Cell(format_measure(total, "prognos")), "nettokostnader, mnkr"),
            (f"Budget helår {date.year}", Cell(format_measure(total, "budget_helar")), "nettokostnader, mnkr"),
            ("Avvikelse mot budget", avvikelse, verdict(avvikelse.tone)),
            ("Eget kapital vid årets slut", ek["prognos"], f"enligt prognos, mnkr (budget {ek['budget'].text})"),
        ],
        "helar": helar,
        "eget_kapital": ek["table"],
        "plan": plan(ext, data, date),
        "chart": ext.cached(("prognos", date), lambda d: charts.prognos_chart(d, date)),
        **largest(ext, data, date),
    }


def verdict(tone: str | None) -> str:
    """The avvikelse card's words under the figure."""
    return {GOOD: "mnkr, bättre än budget", BAD: "mnkr, sämre än budget"}.get(tone, "mnkr, som budget")


def eget_kapital(ext, date) -> dict:
    """This year's roll-forward: hittills, by budget (the plan) and by prognos, as `namndbok eget-kapital` prints it."""
    from namndbok.eget_kapital import roll_forward_table

    result = ext.cached(("ek-ar", date), lambda d: roll_forward_table(d, [date.year], date))
    last = len(result.rows) - 1
    rows = [([Cell(label), *(Cell(format_amount(v, "mnkr", 1)) for v in values)], i in (0, last))
            for i, (label, values) in enumerate(result.rows)]
    closing = result.rows[-1][1]
    by_column = dict(zip(result.columns, closing))
    return {
        "table": Table(f"Eget kapital {date.year} (mnkr)", ("", *result.columns), rows, "oversikt-eget-kapital"),
        "prognos": Cell(format_amount(by_column.get(f"{date.year} prognos", closing[-1]), "mnkr", 1)),
        "budget": Cell(format_amount(by_column.get(f"{date.year} budget", closing[-1]), "mnkr", 1)),
    }


def plan(ext, data, date) -> list[str]:
    """The council's plan for eget kapital from this year on: each decision's amounts for this and
    later years (a repayment plan year by year), as the eget kapital page lists them."""
    from namndbok.eget_kapital import decision_listing

    decisions = ek_decisions(ext)
    lines = []
    for d in decision_listing(decisions):
        ahead = [(year, amount) for year, amount in d.amounts if year is not None and year >= date.year]
        if ahead:
            years = ", ".join(f"{year}: {format_amount(amount, 'mnkr', 1)} mnkr" for year, amount in ahead)
            lines.append(f"{d.name} ({d.beslut}): {years}")
    return lines


def largest(ext, data, date) -> dict:
    """The largest avvikelser of `namndbok avvikelser` (its defaults: per verksamhet, at least 0,5 mnkr),
    each with its comment and its figure at the previous follow-up."""
    from namndbok.avvikelser import CommentError, DeviationStyle, comments_for, deviations
    from namndbok.engine import Measures, compute

    style = DeviationStyle()
    problem = None
    try:
        comments = comments_for(ext.ledger_dir, date, style.per)
    except CommentError as err:  # the list still shows, without the file's comments
        comments, problem = {}, f"Kommentarerna kunde inte läsas: {without_folder(str(err), ext.ledger_dir)}"
    found = ext.cached(("avvikelser", date, tuple(sorted(comments.items()))),
                       lambda d: deviations(d, date, style.per, style.troskel, comments, style.ordning))
    previous = ext.cached(("foregaende", date), lambda d: compute(d, date).foregaende_uppfoljning)
    before = f"Förra, {MONTHS_SHORT[previous.month - 1]}" if previous else "Förra"
    rows = []
    for d in found[:LARGEST]:
        now = Measures(avvikelse_helar=d.avvikelse)
        then = Measures(avvikelse_helar=d.foregaende)
        rows.append(([Cell(d.label, note=d.comment), measure_cell(now, "avvikelse_helar"),
                      measure_cell(then, "avvikelse_helar")], False))
    troskel = format_amount(style.troskel, "mnkr", 1)
    caption = (f"De {LARGEST} största av {len(found)} avvikelser helår på minst {troskel} mnkr (mnkr)"
               if len(found) > LARGEST else f"Avvikelser helår på minst {troskel} mnkr (mnkr)")
    return {
        "avvikelser": Table(caption, ("Verksamhet", "Avvikelse", before), rows, "oversikt-avvikelser"),
        "troskel": troskel,
        "kommentarfel": problem,
    }
