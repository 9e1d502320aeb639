"""Budgetuppföljning: the chosen layout's report, the drill-down radgrupp → verksamhet → konto, and the
charts that follow it (the selection's months, avvikelse per verksamhet)."""

from __future__ import annotations

from namndbok.accounts import result_account
from namndbok.swedish import format_measure
from namndbok_fava import charts
from namndbok_fava.pages import Cell, Table, account_link, date_text, link, netto

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
            tuple(report.headers),
            [([Cell(t) for t in texts], row.bold) for row, texts in zip(report.rows, printed)],
            "rapport",
        )
    drilled = drill(ext, data, date, args, chosen)
    # The charts follow the drill-down: the selected group's months, its radgrupp's verksamheter.
    plan = next(iter(data.kontoplaner.values()))
    where, label = drilled["where"], drilled["selected"]
    key = tuple(sorted(where.items()))
    radgrupp = where.get("radgrupp") or (plan.verksamheter[where["verksamhet"]].grupp if "verksamhet" in where else None)
    by_group = {"radgrupp": radgrupp} if radgrupp else None
    return {
        "layouts": names,
        "layout": chosen,
        "layout_name": layout_name,
        "report": report_table,
        "drill": drilled,
        "chart": ext.cached(("monthly", date, key), lambda d: charts.monthly_chart(d, date, where, label)),
        "deviations": charts.with_links(
            ext.cached(("avvikelser", date, radgrupp), lambda d: charts.deviation_chart(d, date, "verksamhet", by_group)),
            lambda v: verksamhet_link(plan, chosen, v)),
    }


def verksamhet_link(plan, layout, verksamhet: str) -> str | None:
    """The drill-down's page of a verksamhet (None: not one of the kontoplan's)."""
    if verksamhet not in plan.verksamheter:
        return None
    return link(sida="budget", layout=layout, radgrupp=plan.verksamheter[verksamhet].grupp, verksamhet=verksamhet)


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
        rows.append(([Cell(row.label, url), *(Cell(format_measure(row.measures, m)) for m, _ in DRILL_COLUMNS)], False))
    rows.append(([Cell("Summa nettokostnader"), *(Cell(format_measure(table.total.measures, m)) for m, _ in DRILL_COLUMNS)], True))
    level = {"radgrupp": "radgrupp", "verksamhet": "verksamhet", "konto": "konto"}[group_by]
    headers = (level.capitalize(), *(h for _, h in DRILL_COLUMNS))
    return {
        "trail": trail,
        "table": Table(f"Nettokostnader per {level} per {date_text(date)} (mnkr)", headers, rows, "fordjupning"),
        "where": where,  # the selection (for the charts) and its name
        "selected": trail[-1][0] if len(trail) > 1 else None,
    }
