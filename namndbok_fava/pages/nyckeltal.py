"""Nyckeltal: cost per unit (vårddygn, vårdtagare) with the monthly trend."""

from __future__ import annotations

from namndbok_fava import charts
from namndbok_fava.pages import Cell, Table, date_text


def page(ext, data, date, args) -> dict:
    from namndbok.nyckeltal import compute_nyckeltal, load_specs, parse_volumes
    from namndbok.export.nyckeltal_files import HEADERS, rows as printed_rows

    path = ext.ledger_dir / "nyckeltal.toml"
    if not path.exists():
        return {"table": None, "chart": {}, "missing": str(path.name)}
    plan = next(iter(data.kontoplaner.values()))
    specs = load_specs(path, plan)
    volumes = ext.cached("volumes", lambda d: parse_volumes(ext.ledger.all_entries, d.roots, d.kontoplaner)[0])
    version = path.stat().st_mtime_ns
    results = ext.cached(("nyckeltal", version, date), lambda d: [compute_nyckeltal(d, volumes, s, date) for s in specs])
    rows = [([Cell(t) for t in texts], False) for texts in printed_rows(results)]
    table = Table(f"Nyckeltal {date.year} t.o.m. {date_text(date)} (tkr)", HEADERS, rows, "nyckeltal")
    chart = ext.cached(("nyckeltal-chart", version, date), lambda d: charts.trend_chart(d, volumes, specs, date))
    return {"table": table, "chart": chart, "missing": None}
