"""Budgetuppföljning: the chosen layout's report, the drill-down (radgrupp → verksamhet → konto,
or ansvar → verksamhet och konto) with the economists' comments, and the charts that follow it
(the selection's months, avvikelse per verksamhet)."""

from __future__ import annotations

from namndbok.accounts import NETTO, result_account
from namndbok.swedish import format_amount
from namndbok_fava import charts
from namndbok_fava.pages import (
    UNITS, Cell, Table, account_link, budget_versions, choices, comments, date_text, link, measure_cell, netto,
    period_text, report_headers,
)

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


# The drill-down's two ways in: (value of ?per=, label).
DRILL_WAYS = (("verksamhet", "Per verksamhet"), ("ansvar", "Per ansvar"))


def layouts(ext) -> list[str]:
    from namndbok.layout import names_in

    return names_in(ext.ledger_dir / "layouter")


def layout_titles(ext, names: list[str]) -> list[tuple[str, str]]:
    """(file name, title) of each layout: its `namn`, or the file name where the layout cannot be
    read (the page then says why when it is chosen). Read again when a file changes."""
    from namndbok.layout import LayoutError, load_layout

    folder = ext.ledger_dir / "layouter"
    out = []
    for name in names:
        path = folder / f"{name}.toml"
        try:
            title = ext.cached(("layouttitel", name, path.stat().st_mtime_ns), lambda data: load_layout(
                path, next(iter(data.kontoplaner.values()), None)).namn)
        except (LayoutError, OSError):
            title = name
        out.append((name, title))
    return out


def shows_nettokostnader(layout) -> bool:
    """Whether a layout counts intäkter or kostnader (driftredovisning, resultaträkning …), so that
    the nettokostnad drill-down and chart belong below it; an investment layout has neither."""
    return any(kind in NETTO for spec in layout.rader for kind in spec.typ) or any(
        kind in NETTO for column in layout.kolumner for kind in (column.typ or ()))


def page(ext, data, date, args) -> dict:
    from namndbok.layout import load_layout
    from namndbok.report import build_report, cells

    names = layouts(ext)
    chosen = args.get("layout")
    if chosen not in names:
        chosen = DEFAULT_LAYOUT if DEFAULT_LAYOUT in names else (names[0] if names else None)
    chose = choices(data, date, args)
    report_table = None
    layout_name = None
    nettokostnader = True
    if chosen is not None:
        plan = next(iter(data.kontoplaner.values()), None)
        path = ext.ledger_dir / "layouter" / f"{chosen}.toml"
        layout = load_layout(path, plan)
        chose = choices(data, date, args, layout.enhet)  # the layout's own unit until the reader chooses
        report = ext.cached(("rapport", chosen, path.stat().st_mtime_ns, date, chose.budgetversion),
                            lambda d: build_report(layout, d, date, chose.budgetversion))
        layout_name = layout.namn
        nettokostnader = shows_nettokostnader(layout)
        printed = cells(report._replace(layout=layout._replace(enhet=chose.enhet)))
        headers = list(report_headers(report))
        if headers[0].strip().lower() == layout.enhet.lower():  # the first column names the unit ("Mnkr")
            headers[0] = chose.enhet.capitalize()
        report_table = Table(
            f"{layout.namn} per {date_text(date)} ({chose.enhet})",
            tuple(headers),
            [([Cell(texts[0]), *(Cell(t) if layout.slag == "prognossakerhet"  # prognos − utfall: no better or worse than budget
                                 else measure_cell(m, c.matt, chose.enhet, layout.decimaler, text=t, turned=row.turned)
                                 for m, c, t in zip(row.measures, layout.kolumner, texts[1:]))], row.bold)
             for row, texts in zip(report.rows, printed)],
            "rapport",
        )
    content = {
        "layouts": layout_titles(ext, names),
        "layout": chosen,
        "layout_name": layout_name,
        "report": report_table,
        "choices": chose,
        "units": UNITS,
        "versions": budget_versions(data, date.year),
        "ways": DRILL_WAYS,
        "per": drill_way(args),
        "way_links": {key: budget_link(args, chosen, chose, key) for key, _ in DRILL_WAYS},
        "drill": None,
    }
    if not nettokostnader:  # a layout without intäkter and kostnader (investeringar): no nettokostnad drill, no charts
        return content
    drilled = drill(ext, data, date, args, chosen, chose)
    # The charts follow the drill-down: the selection's months; the verksamheter of its radgrupp (or ansvar).
    plan = next(iter(data.kontoplaner.values()))
    where, label, version = drilled["where"], drilled["selected"], chose.budgetversion
    if "ansvar" in where:
        deviation_where = where
    else:
        radgrupp = where.get("radgrupp") or (plan.verksamheter[where["verksamhet"]].grupp if "verksamhet" in where else None)
        deviation_where = {"radgrupp": radgrupp} if radgrupp else None

    def here(**params) -> str:
        return budget_link(args, chosen, chose, DRILL_WAYS[0][0], **params)

    return {
        **content,
        "drill": drilled,
        "chart": ext.cached(("monthly", date, key_of(where), version),
                            lambda d: charts.monthly_chart(d, date, where, label, version)),
        "deviations": charts.with_links(
            ext.cached(("avvikelser", date, key_of(deviation_where), version),
                       lambda d: charts.deviation_chart(d, date, "verksamhet", deviation_where, version)),
            lambda v: verksamhet_link(plan, v, here)),
    }


def verksamhet_link(plan, verksamhet: str, here) -> str | None:
    """The drill-down's page of a verksamhet (None: not one of the kontoplan's)."""
    if verksamhet not in plan.verksamheter:
        return None
    return here(radgrupp=plan.verksamheter[verksamhet].grupp, verksamhet=verksamhet)


def key_of(where) -> tuple:
    return tuple(sorted((where or {}).items()))


def budget_link(args, layout, chose, per: str, **params) -> str:
    """The budget page with these drill-down parameters and the reader's other choices kept."""
    kept = {"layout": layout, "per": per if per != DRILL_WAYS[0][0] else None,
            "enhet": chose.enhet if args.get("enhet") else None, "budgetversion": chose.budgetversion}
    return link(sida="budget", **kept, **params)


def drill_way(args) -> str:
    per = args.get("per")
    return per if per in dict(DRILL_WAYS) else DRILL_WAYS[0][0]


def drill(ext, data, date, args, layout, chose) -> dict:
    """Nettokostnader per radgrupp → verksamhet → konto (or ansvar → verksamhet och konto), each
    row a link one level down; a konto links to Fava's account page (its journal) for the report's
    period. The economists' comments stand beside the avvikelse helår they explain; an avvikelse
    whose sides are booked at different levels is left empty and said under the table."""
    from namndbok.engine import label

    plan = next(iter(data.kontoplaner.values()))
    per = drill_way(args)

    def here(**params) -> str:
        return budget_link(args, layout, chose, per, **params)

    radgrupp = args.get("radgrupp")
    if radgrupp not in plan.radgrupper:
        radgrupp = None
    verksamhet = args.get("verksamhet")
    if verksamhet not in plan.verksamheter:
        verksamhet = None
    ansvar = args.get("ansvar")
    if ansvar not in plan.ansvar:
        ansvar = None
    whole = "nämnden"
    if per == "ansvar":
        trail = [("Alla ansvar", here())]
        if ansvar is not None:
            whole = label(data, "ansvar", ansvar)
            trail.append((whole, here(ansvar=ansvar)))
            group_by, where, deeper, level = ("verksamhet", "konto"), {"ansvar": ansvar}, None, "verksamhet och konto"
        else:
            group_by, where, deeper, level = ("ansvar",), {}, "ansvar", "ansvar"
    else:
        trail = [("Alla radgrupper", here())]
        if verksamhet is not None:
            radgrupp = plan.verksamheter[verksamhet].grupp
            group_by, where, deeper, level = ("konto",), {"verksamhet": verksamhet}, None, "konto"
        elif radgrupp is not None:
            group_by, where, deeper, level = ("verksamhet",), {"radgrupp": radgrupp}, "verksamhet", "verksamhet"
        else:
            group_by, where, deeper, level = ("radgrupp",), {}, "radgrupp", "radgrupp"
        if radgrupp is not None:
            whole = radgrupp
            trail.append((radgrupp, here(radgrupp=radgrupp)))
        if verksamhet is not None:
            whole = label(data, "verksamhet", verksamhet)
            trail.append((whole, here(radgrupp=radgrupp, verksamhet=verksamhet)))
    table = netto(ext, date, group_by, where, chose.budgetversion)
    notes = comments(ext, data, date, deeper) if deeper else {}
    rows = []
    for row in table.rows:
        url = None
        if deeper == "radgrupp" and row.key[0] is not None:
            url = here(radgrupp=row.key[0])
        elif deeper == "verksamhet" and row.key[0] is not None:
            url = here(radgrupp=radgrupp, verksamhet=row.key[0])
        elif deeper == "ansvar" and row.key[0] is not None:
            url = here(ansvar=row.key[0])
        elif deeper is None and row.key[-1] in plan.konton:
            in_verksamhet = verksamhet if per != "ansvar" else row.key[0]
            if in_verksamhet is not None:
                url = account_link(result_account(data.roots, plan.konton[row.key[-1]].typ, plan.namnd, in_verksamhet,
                                                  row.key[-1], ansvar if per == "ansvar" else None),
                                   table.period_start, date)
        rows.append(([Cell(row.label, url), *measure_cells(row.measures, chose.enhet, notes.get(row.key[0]))], False))
    rows.append(([Cell("Summa nettokostnader"), *measure_cells(table.total.measures, chose.enhet)], True))
    headers = (level.capitalize(), *(h for _, h in DRILL_COLUMNS))
    return {
        "trail": trail,
        "table": Table(f"Nettokostnader per {level}, utfall och budget {period_text(date)}, helår {date.year} ({chose.enhet})",
                       headers, rows, "fordjupning"),
        "notes": level_notes(table, level, whole, chose.enhet),
        "where": where,  # the selection (for the charts) and its name
        "selected": trail[-1][0] if len(trail) > 1 else None,
    }


def measure_cells(measures, unit: str, comment: str | None = None) -> list[Cell]:
    """The drill-down's measure cells; a comment stands beside avvikelse helår."""
    return [measure_cell(measures, m, unit, note=comment if m == "avvikelse_helar" else None) for m, _ in DRILL_COLUMNS]


def level_notes(table, level: str, whole: str, unit: str) -> list[str]:
    """What the table says under it where an avvikelse is left empty because its two sides are
    booked at different levels (`namndbok.engine.Table.across_levels`)."""
    notes = []
    split = table.across_levels
    unallocated = next((row for row in table.rows if None in row.key), None)
    if split.get("avvikelse_helar"):
        said = (f"Avvikelse helår är tom där prognos och budget inte är gjorda på samma nivå: prognosen "
                f"görs inte per {level}")
        if unallocated is not None and unallocated.measures.prognos is not None:
            said += (f" utan står på raden ”{unallocated.label}” "
                     f"({format_amount(unallocated.measures.prognos, unit)} {unit}) för hela {whole}")
        said += ", medan budgeten är fördelad. Avvikelsen helår finns på nivån ovan"
        if () not in split["avvikelse_helar"] and table.total.measures.avvikelse_helar is not None:
            said += f": för hela {whole} {format_amount(table.total.measures.avvikelse_helar, unit)} {unit}"
        notes.append(said + ".")
    if split.get("avvikelse"):
        said = (f"Avvikelse (hittills i år) är tom där utfall och budget inte finns på samma nivå: budgeten "
                f"är inte fördelad per {level}")
        if unallocated is not None and unallocated.measures.budget is not None:
            said += f" utan står på raden ”{unallocated.label}”"
        said += ". Avvikelsen finns på nivån ovan"
        if () not in split["avvikelse"] and table.total.measures.avvikelse is not None:
            said += f": för hela {whole} {format_amount(table.total.measures.avvikelse, unit)} {unit}"
        notes.append(said + ".")
    return notes
