"""The pages' charts as plotly figures: plain JSON (`data`, `layout`, `config`), computed here.

A template places `<div class="namndbok-diagram" data-figur="…">` with the figure
as JSON (the macro `chart` in _macros.html); `static/diagram.js` draws every such
div with plotly.js, served from the plotly package by the extension. The numbers
come from `namndbok.chart_series` (the same series the report's matplotlib charts
draw), and every text the reader sees is written here the Swedish way: month
names from `namndbok.swedish`, amounts with `format_amount` (decimal comma),
axis ticks with plotly's `separators` set to decimal comma and space, tooltips
as whole strings (`customdata`) that name their series.

An avvikelse is coloured by the committee's sign convention (positive: better
than budget), with the colours the tables use.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Mapping

from namndbok.chart_series import (
    deviation_by,
    eget_kapital_by_year,
    eget_kapital_plan,
    monthly_netto,
    per_enhet_by_month,
    prognos_by_follow_up,
)
from namndbok.swedish import MONTHS, MONTHS_SHORT, UNITS, format_amount, format_percent, month_name, round_half_up

MNKR = "mnkr"
GOOD, BAD = "#1b7a3a", "#b00020"  # as td.bra / td.dalig in Namndbok.html
UTFALL, BUDGET, PROGNOS, BAND = "#4a7ab5", "#c0504d", "#4a7ab5", "rgba(155, 187, 89, 0.3)"
EGET_KAPITAL, BESLUT, PLAN = "#4a7ab5", "#7b3f98", "#c77c0e"
PLAN_NAME = "Plan (återbetalningsplan)"  # the plan years' trace: a plan, not budget or utfall

# plotly.js's own words and date formats in Swedish (config.locales; the modebar's button titles).
LOCALE = {
    "sv": {
        "dictionary": {
            "Download plot as a PNG": "Spara diagrammet som PNG",
            "Download plot": "Spara diagrammet",
            "Zoom": "Zooma",
            "Pan": "Panorera",
            "Zoom in": "Zooma in",
            "Zoom out": "Zooma ut",
            "Reset axes": "Återställ axlarna",
            "Autoscale": "Anpassa axlarna",
            "Double-click to zoom back out": "Dubbelklicka för att zooma ut",
            "Click to enter Colorscale title": "",
        },
        "format": {
            "days": ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
            "shortDays": ["sön", "mån", "tis", "ons", "tor", "fre", "lör"],
            "months": list(MONTHS),
            "shortMonths": list(MONTHS_SHORT),
            "date": "%Y-%m-%d",
            "decimal": ",",
            "thousands": " ",
        },
    },
}
CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "locale": "sv",
    "locales": LOCALE,
    # sendChartToCloud would upload the figure to Plotly's cloud: the committee's numbers stay here.
    "modeBarButtonsToRemove": ["sendChartToCloud", "select2d", "lasso2d", "autoScale2d", "toggleSpikelines",
                               "hoverClosestCartesian", "hoverCompareCartesian"],
}


def _number(amount: Decimal, unit: str = MNKR) -> float:
    """`amount` in `unit` to one decimal, rounded as the tables round it (half up)."""
    return float(round_half_up(amount / UNITS[unit], 1))


def _text(amount: Decimal | None, unit: str = MNKR) -> str:
    """An amount as the tables print it, with its unit: '-80,0 mnkr'."""
    return f"{format_amount(amount, unit, 1)} {unit}"


def _plain(text: str) -> str:
    """A name from the ledger as plotly shows it: plotly reads a few tags in its texts
    (<b>, <br>, <a>), so < > & are written as entities and show as themselves."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _month_year(date: datetime.date) -> str:
    return f"{month_name(date.month)} {date.year}"


GRID = "rgba(128, 128, 128, 0.25)"  # quiet on a light page and on a dark one


def _axis(title: str, **more) -> dict:
    """A value axis: one decimal, decimal comma and space thousands (layout.separators)."""
    return {"title": {"text": title}, "tickformat": ",.1f", "zeroline": True, "zerolinecolor": "#888",
            "gridcolor": GRID, "automargin": True, **more}


def _figure(title: str, data: list[dict], **layout) -> dict:
    return {
        "data": data,
        "layout": {
            "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
            "separators": ", ",
            "hovermode": "closest",
            "legend": {"orientation": "h", "x": 0, "y": -0.15, "yanchor": "top"},
            "margin": {"l": 60, "r": 20, "t": 50, "b": 40},
            "height": 380,
            "font": {"family": "inherit"},  # and the page's colour (diagram.js)
            "paper_bgcolor": "rgba(0, 0, 0, 0)",  # the page's background, light or dark
            "plot_bgcolor": "rgba(0, 0, 0, 0)",
            **layout,
        },
        "config": CONFIG,
    }


def _hover(strings: list[str]) -> dict:
    """Tooltips as whole Swedish strings (which series, which month, the amount)."""
    return {"customdata": strings, "hovertemplate": "%{customdata}<extra></extra>"}


def monthly_chart(data, date: datetime.date, where: Mapping[str, str] | None = None,
                  label: str | None = None, budget_version: str | None = None) -> dict:
    """Utfall per month as bars against the periodised budget as a line, for all nettokostnader
    or the drill-down's selection (`where`, named `label`), against the chosen budget version."""
    points = monthly_netto(data, date, where, budget_version)
    months = [MONTHS_SHORT[p.end.month - 1] for p in points]
    whose = f" – {_plain(label)}" if label else ""
    bars = {
        "type": "bar", "name": "Utfall", "x": months, "y": [_number(p.utfall) for p in points],
        "marker": {"color": UTFALL},
        **_hover([f"Utfall {_month_year(p.end)}{whose}: {_text(p.utfall)}" for p in points]),
    }
    line = {
        "type": "scatter", "mode": "lines+markers", "name": "Periodiserad budget", "x": months,
        "y": [_number(p.budget) for p in points], "line": {"color": BUDGET}, "marker": {"color": BUDGET, "size": 7},
        **_hover([f"Periodiserad budget {_month_year(p.end)}{whose}: {_text(p.budget)}" for p in points]),
    }
    return _figure(f"Nettokostnader per månad {date.year}{whose}", [bars, line],
                   xaxis={"type": "category", "gridcolor": GRID}, yaxis=_axis(MNKR))


def deviation_chart(data, date: datetime.date, group_by: str = "verksamhet",
                    where: Mapping[str, str] | None = None, budget_version: str | None = None) -> dict:
    """Avvikelse helår (prognos mot budget helår) per radgrupp or verksamhet as diverging bars:
    green where better than budget, red where worse. Each bar's key is in `ids`, for `with_links`."""
    rows = deviation_by(data, date, group_by, where, budget_version)
    rows = [r._replace(label=_plain(r.label)) for r in reversed(rows)]  # plotly draws bars bottom up: the first on top
    bars = {
        "type": "bar", "orientation": "h", "name": "Avvikelse helår",
        "x": [_number(r.avvikelse) for r in rows], "y": [r.label for r in rows], "ids": [r.key or "" for r in rows],
        "marker": {"color": [GOOD if r.avvikelse >= 0 else BAD for r in rows]},
        "customdata": [[f"Avvikelse helår {r.label}: {_text(r.avvikelse)}"
                        f" ({'bättre' if r.avvikelse >= 0 else 'sämre'} än budget)", ""] for r in rows],
        "hovertemplate": "%{customdata[0]}<extra></extra>",
    }
    return _figure(f"Avvikelse mot budget helår per {group_by} (prognos), {_month_year(date)}", [bars],
                   showlegend=False, height=max(260, 34 * len(rows) + 110),
                   xaxis=_axis(f"{MNKR} (positiv: bättre än budget)"),
                   yaxis={"type": "category", "automargin": True, "gridcolor": GRID})


def with_links(figure: dict, url_of) -> dict:
    """`figure` (a cached one, left as it is) with each bar's link `url_of(key)` in its customdata:
    diagram.js opens it on a click. Links depend on the request (Fava's filters), figures do not."""
    def linked(trace: dict) -> dict:
        if "ids" not in trace:
            return trace
        return {**trace, "customdata": [[text, url_of(key) or ""] for (text, _), key in zip(trace["customdata"], trace["ids"])]}

    return {**figure, "data": [linked(t) for t in figure["data"]]}


def prognos_chart(data, date: datetime.date) -> dict:
    """The year's result at each follow-up, each at its own month, with bästa–sämsta fall as a
    band; empty (no figure) before the first follow-up."""
    points = prognos_by_follow_up(data, date)
    if not points:
        return {}
    dates = [p.date.isoformat() for p in points]

    def trace(field: str, name: str, **style) -> dict:
        return {"type": "scatter", "x": dates, "y": [_number(getattr(p, field)) for p in points], "name": name,
                **_hover([f"{name}, uppföljning {_month_year(p.date)}: {_text(getattr(p, field))}" for p in points]),
                **style}

    data_ = [
        trace("samsta", "Sämsta fall", mode="lines", line={"color": BAND, "width": 1}),
        trace("basta", "Bästa fall", mode="lines", line={"color": BAND, "width": 1}, fill="tonexty", fillcolor=BAND),
        trace("budget_helar", "Budget helår", mode="lines", line={"color": BUDGET, "dash": "dash"}),
        trace("prognos", "Prognos årets resultat", mode="lines+markers", line={"color": PROGNOS},
              marker={"color": PROGNOS, "size": 8}),
    ]
    return _figure(f"Prognos för årets resultat vid varje uppföljning {date.year}", data_,
                   xaxis={"type": "date", "gridcolor": GRID, "tickvals": dates, "ticktext": [MONTHS_SHORT[p.date.month - 1] for p in points],
                          "range": [(points[0].date - datetime.timedelta(days=12)).isoformat(),
                                    (points[-1].date + datetime.timedelta(days=12)).isoformat()]},
                   yaxis=_axis(MNKR))


def trend_chart(data, volumes, specs, date: datetime.date) -> dict:
    """Nettokostnad per enhet month by month (tkr), one line per nyckeltal; a month
    without volume has no point."""
    series = per_enhet_by_month(data, volumes, specs, date)
    lines = []
    for s in series:
        s = s._replace(label=_plain(s.label))
        months = [MONTHS_SHORT[end.month - 1] for end, _ in s.points]
        lines.append({
            "type": "scatter", "mode": "lines+markers", "name": s.label, "x": months,
            "y": [None if v is None else _number(v, "tkr") for _, v in s.points],
            **_hover([f"{s.label}, {_month_year(end)}: {_text(v, 'tkr') if v is not None else 'ingen volym'}"
                      for end, v in s.points]),
        })
    return _figure(f"Nettokostnad per enhet och månad {date.year}", lines,
                   xaxis={"type": "category", "gridcolor": GRID}, yaxis=_axis("tkr"))


def _amount_line(year: int | None, amount: Decimal | None) -> str:
    """One year of a decision as its tooltip says it: '2026: -10,0 mnkr', 'avser 2023'."""
    if amount is None:
        return f"avser {year}" if year else ""
    return f"{year}: {_text(amount)}" if year else _text(amount)


def eget_kapital_chart(data, decisions, date: datetime.date, plan: list[int] = ()) -> dict:
    """Utgående eget kapital year by year (and the current year's end by prognos and budget),
    with a marker for each of the council's decisions at its date, and the plan years (`plan`,
    `namndbok.eget_kapital.plan_years`) as a dashed line of hollow markers from the year's end by
    budget; no figure before the first year."""
    points, marks = eget_kapital_by_year(data, decisions, date)
    if not points:
        return {}
    planned = eget_kapital_plan(data, points, plan, date)

    def point_text(p) -> str:
        when = f"bokslut {p.date.year}" if p.date.month == 12 and p.date.day == 31 else f"t.o.m. {p.date.day} {_month_year(p.date)}"
        return f"Utgående eget kapital, {when}: {_text(p.utgaende)}"

    line = {"type": "scatter", "mode": "lines+markers", "name": "Utgående eget kapital",
            "x": [p.date.isoformat() for p in points], "y": [_number(p.utgaende) for p in points],
            "line": {"color": EGET_KAPITAL}, "marker": {"color": EGET_KAPITAL, "size": 7},
            **_hover([point_text(points[0]).replace("Utgående", "Ingående", 1).replace(
                f"bokslut {points[0].date.year}", f"början av {points[0].date.year + 1}")] +
                [point_text(p) for p in points[1:]])}
    traces = [line]
    last = points[-1]
    if last.prognos is not None:
        year_end = datetime.date(last.date.year, 12, 31).isoformat()
        for field, name, dash in (("prognos", "Årets slut enligt prognos", "dot"), ("budget", "Årets slut enligt budget", "dash")):
            value = getattr(last, field)
            traces.append({"type": "scatter", "mode": "lines+markers", "name": name,
                           "x": [last.date.isoformat(), year_end], "y": [_number(last.utgaende), _number(value)],
                           "line": {"color": EGET_KAPITAL if field == "prognos" else BUDGET, "dash": dash},
                           **_hover([point_text(last), f"{name} {last.date.year}: {_text(value)}"])})
    if planned:
        start = datetime.date(last.date.year, 12, 31)
        if last.budget is not None:
            start_value, start_text = last.budget, f"Årets slut enligt budget {last.date.year}: {_text(last.budget)}"
        else:
            start_value, start_text = last.utgaende, point_text(last)
        traces.append({"type": "scatter", "mode": "lines+markers", "name": PLAN_NAME,
                       "x": [start.isoformat(), *(p.date.isoformat() for p in planned)],
                       "y": [_number(start_value), *(_number(p.utgaende) for p in planned)],
                       "line": {"color": PLAN, "dash": "dash"},
                       "marker": {"color": PLAN, "symbol": "circle-open", "size": 9, "line": {"width": 2}},
                       **_hover([start_text, *(f"Plan {p.date.year} (återbetalningsplan), utgående eget kapital: "
                                               f"{_text(p.utgaende)}" for p in planned)])})
    if marks:
        traces.append({
            "type": "scatter", "mode": "markers", "name": "Beslut om eget kapital",
            "x": [m.date.isoformat() for m in marks], "y": [_number(m.level) for m in marks],
            "marker": {"symbol": "diamond", "size": 13, "color": BESLUT, "line": {"color": "#fff", "width": 1}},
            **_hover([f"Beslut {m.date.day} {_month_year(m.date)}: {_plain(m.name)}<br>{_plain(m.typ)}, {_plain(m.beslut)}"
                      + "".join(f"<br>{_amount_line(year, amount)}" for year, amount in m.amounts) for m in marks]),
        })
    years = [datetime.date(y, 12, 31) for y in range(points[0].date.year, (planned or points)[-1].date.year + 1)]
    return _figure("Eget kapital år för år med fullmäktiges beslut", traces,
                   xaxis={"type": "date", "gridcolor": GRID, "tickvals": [d.isoformat() for d in years],
                          "ticktext": [f"31 dec {d.year}" for d in years]},
                   yaxis=_axis(MNKR))


RAM_UP, RAM_DOWN, RAM_TOTAL = GOOD, BAD, EGET_KAPITAL
RAM_TICKS = {"Ram året före": "Ram före", "Uppräkning": "Uppräkning", "Volymer": "Volymer",
             "Beslutade förändringar": "Förändringar", "Summa rambudget": "Summa"}  # the axis's short words


def ram_chart(table, assumptions) -> dict:
    """Each year's ram as a waterfall (`namndbok.ram_ledger.parts_by_year`): Ram året före, then
    uppräkning, volymer and beslutade förändringar, to the year's Summa rambudget; the tooltips
    in the table's unit as the table prints it."""
    from namndbok.ram_ledger import parts_by_year

    parts = parts_by_year(table, assumptions)
    unit = table.enhet

    def said(p) -> str:
        amount = format_amount(p.amount, unit, 0)
        sign = "+" if p.kind == "relative" and p.amount > 0 else ""
        return f"{p.year}: {_plain(p.label)} {sign}{amount} {unit}"

    trace = {
        "type": "waterfall", "name": "Ramberäkning",
        "x": [[str(p.year) for p in parts], [RAM_TICKS.get(p.label, p.label) for p in parts]],
        "y": [_number(p.amount) for p in parts],
        "measure": [p.kind for p in parts],
        "increasing": {"marker": {"color": RAM_UP}}, "decreasing": {"marker": {"color": RAM_DOWN}},
        "totals": {"marker": {"color": RAM_TOTAL}},
        "connector": {"line": {"color": GRID}},
        **_hover([said(p) for p in parts]),
    }
    levels, level = [], Decimal(0)  # where each bar ends: the axis shows the steps, not the whole ram from zero
    for p in parts:
        level = level + p.amount if p.kind == "relative" else p.amount
        levels.append(level)
    lowest, highest = min(levels), max(levels)
    margin = (highest - lowest) * Decimal("0.15") + 1
    return _figure(f"Ramen {table.years[0]}–{table.years[-1]}: ram året före, uppräkning, volymer, beslutade förändringar",
                   [trace], showlegend=False, height=440, margin={"l": 60, "r": 20, "t": 50, "b": 40},
                   xaxis={"tickangle": -45, "automargin": True},
                   yaxis=_axis(MNKR, range=[_number(lowest - margin), _number(highest + margin)]))


def prognossakerhet_chart(years) -> dict:
    """The prognos error of årets resultat (prognos − utfall) at each follow-up month, one line per
    closed year (namndbok.prognossakerhet.YearAccuracy); no years: no figure."""
    if not years:
        return {}
    data_ = []
    for year in years:
        data_.append({"type": "scatter", "mode": "lines+markers", "name": str(year.year),
                      "x": [MONTHS_SHORT[r.uppfoljning.month - 1] for r in year.rows],
                      "y": [_number(r.avvikelse) for r in year.rows],
                      **_hover([f"{year.year}, uppföljning {_month_year(r.uppfoljning)}: avvikelse {_text(r.avvikelse)}"
                                f" ({format_percent(r.andel, 1)} av nettokostnad)" for r in year.rows])})
    return _figure("Prognosens avvikelse från utfallet, årets resultat (prognos − utfall)", data_,
                   xaxis={"type": "category", "categoryorder": "array", "categoryarray": list(MONTHS_SHORT),
                          "range": [-0.5, 11.5], "gridcolor": GRID, "title": {"text": "Uppföljning"}},
                   yaxis=_axis(MNKR))
