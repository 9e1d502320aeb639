"""Budgetuppföljning: the chosen layout's report, the drill-down radgrupp → verksamhet → konto, the monthly chart."""

from __future__ import annotations

from namndbok.accounts import result_account
from namndbok_fava import charts
from namndbok_fava.pages import (Cell, Table, account_link, date_text, link, measure_cell, netto, period_text,
                                  report_headers)

DEFAULT_LAYOUT = "driftredovisning"
# The drill-down's columns: (measure, header).
DRILL_COLUMNS = (
    ("utfall", "Utfall"),
    ("budget", "Budget"),
    ("avvikelse", "Avvikelse"),
    ("prognos", "Prognos helår"),
    ("budget_helar", "Budget helår"),
    ("avvikelse_helar", "Avvikelse helår"),
    ("avvikelse_helar_pct", "Avvikelse helår %"),
)


def layouts(ext) -> list[str]:
    from namndbok.layout import names_in

    return names_in(ext.ledger_dir / "layouter")


def page(ext, data, date, args) -> dict:
    from namndbok.layout import load_layout
    from namndbok.report import build_report, cells

    names = layouts(ext)
    chosen = args.get("layout")
    if chosen not in names:
        chosen = DEFAULT_LAYOUT if DEFAULT_LAYOUT in names else (names[0] if names else None)
    report_table = None
    layout_name = None
    if chosen is not None:
        plan = next(iter(data.kontoplaner.values()), None)
        path = ext.ledger_dir / "layouter" / f"{chosen}.toml"
        layout = load_layout(path, plan)
        report = ext.cached(("rapport", chosen, path.stat().st_mtime_ns, date), lambda d: build_report(layout, d, date))
        layout_name = layout.namn
        printed = cells(report)
        report_table = Table(
            f"{layout.namn} per {date_text(date)} ({layout.enhet})",
            report_headers(report),
            [([Cell(texts[0]), *(measure_cell(m, c.matt, layout.enhet, layout.decimaler, text=t, turned=row.turned)
                                 for m, c, t in zip(row.measures, layout.kolumner, texts[1:]))], row.bold)
             for row, texts in zip(report.rows, printed)],
            "rapport",
        )
    return {
        "layouts": names,
        "layout": chosen,
        "layout_name": layout_name,
        "report": report_table,
        "drill": drill(ext, data, date, args, chosen),
        "chart": ext.cached(("monthly", date), lambda d: charts.monthly_chart(d, date)),
    }


def drill(ext, data, date, args, layout) -> dict:
    """Nettokostnader per radgrupp → verksamhet → konto, each row a link one level down;
    a konto links to Fava's account page (its journal)."""
    plan = next(iter(data.kontoplaner.values()))
    radgrupp = args.get("radgrupp")
    if radgrupp not in plan.radgrupper:
        radgrupp = None
    verksamhet = args.get("verksamhet")
    if verksamhet not in plan.verksamheter:
        verksamhet = None
    trail = [("Alla radgrupper", link(sida="budget", layout=layout))]
    if verksamhet is not None:
        radgrupp = plan.verksamheter[verksamhet].grupp
        group_by, where, deeper = "konto", {"verksamhet": verksamhet}, None
    elif radgrupp is not None:
        group_by, where, deeper = "verksamhet", {"radgrupp": radgrupp}, "verksamhet"
    else:
        group_by, where, deeper = "radgrupp", {}, "radgrupp"
    if radgrupp is not None:
        trail.append((radgrupp, link(sida="budget", layout=layout, radgrupp=radgrupp)))
    if verksamhet is not None:
        from namndbok.engine import label

        trail.append((label(data, "verksamhet", verksamhet),
                      link(sida="budget", layout=layout, radgrupp=radgrupp, verksamhet=verksamhet)))
    table = netto(ext, date, group_by, where)
    rows = []
    for row in table.rows:
        url = None
        if deeper == "radgrupp" and row.key[0] is not None:
            url = link(sida="budget", layout=layout, radgrupp=row.key[0])
        elif deeper == "verksamhet" and row.key[0] is not None:
            url = link(sida="budget", layout=layout, radgrupp=radgrupp, verksamhet=row.key[0])
        elif deeper is None and row.key[0] in plan.konton:
            url = account_link(result_account(data.roots, plan.konton[row.key[0]].typ, plan.namnd, verksamhet, row.key[0]))
        rows.append(([Cell(row.label, url), *(measure_cell(row.measures, m) for m, _ in DRILL_COLUMNS)], False))
    rows.append(([Cell("Summa nettokostnader"), *(measure_cell(table.total.measures, m) for m, _ in DRILL_COLUMNS)], True))
    level = {"radgrupp": "radgrupp", "verksamhet": "verksamhet", "konto": "konto"}[group_by]
    headers = (level.capitalize(), *(h for _, h in DRILL_COLUMNS))
    return {
        "trail": trail,
        "table": Table(f"Nettokostnader per {level}, utfall och budget {period_text(date)}, helår {date.year} (mnkr)",
                       headers, rows, "fordjupning"),
    }
