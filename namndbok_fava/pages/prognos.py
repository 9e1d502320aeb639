"""Prognos: the helårsprognos per verksamhet at each follow-up, with bästa and sämsta fall, the
economists' comments beside the avvikelse, and its chart."""

from __future__ import annotations

from namndbok.swedish import MONTHS_SHORT, format_measure
from namndbok_fava import charts
from namndbok_fava.pages import UNITS, Cell, Table, budget_versions, choices, comments, measure_cell, netto


def page(ext, data, date, args) -> dict:
    from namndbok.prognos import follow_ups

    chose = choices(data, date, args)
    unit = chose.enhet
    dates = [d for d in follow_ups(data.prognos, date.year) if d <= date]
    now = netto(ext, date, "verksamhet", None, chose.budgetversion)
    by_date = {d: netto(ext, d, "verksamhet", None, chose.budgetversion) for d in dates}
    notes = comments(ext, data, date, "verksamhet")
    keys = [row.key for row in now.rows]
    for table in by_date.values():
        keys += [row.key for row in table.rows if row.key not in keys]
    labels = {row.key: row.label for t in (now, *by_date.values()) for row in t.rows}

    def measures(table, key):
        try:
            return table.row(*key).measures
        except KeyError:
            return None

    headers = ("Verksamhet", f"Budget helår {date.year}",
               *(f"Prognos {MONTHS_SHORT[d.month - 1]}" for d in dates),
               "Avvikelse helår", "Avvikelse helår %", "Bästa fall", "Sämsta fall")
    rows = []
    for key in [*keys, None]:
        if key is None:
            current, label, per_date = now.total.measures, "Summa nettokostnader", {d: t.total.measures for d, t in by_date.items()}
        else:
            current, label, per_date = measures(now, key), labels[key], {d: measures(t, key) for d, t in by_date.items()}
        cells = [Cell(label), Cell(format_measure(current, "budget_helar", unit) if current else "")]
        for d in dates:
            m = per_date[d]
            cells.append(Cell(format_measure(m, "prognos", unit) if m else ""))
        note = notes.get(key[0]) if key else None
        for measure in ("avvikelse_helar", "avvikelse_helar_pct", "prognos_basta", "prognos_samsta"):
            cells.append(measure_cell(current, measure, unit, note=note if measure == "avvikelse_helar" else None)
                         if current else Cell(""))
        rows.append((cells, key is None))
    table = Table(f"Nettokostnader: helårsprognos per verksamhet vid varje uppföljning {date.year} ({unit})", headers, rows, "prognos")
    return {
        "dates": dates,
        "table": table,
        "choices": chose,
        "units": UNITS,
        "versions": budget_versions(data, date.year),
        "chart": ext.cached(("prognos", date), lambda d: charts.prognos_chart(d, date)),
    }
