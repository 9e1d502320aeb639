"""Nyckeltal: cost per unit (vårddygn, vårdtagare) with the monthly trend."""

from __future__ import annotations

from namndbok_fava import charts
from namndbok_fava.pages import Cell, Table, date_text, measure_cell

# The printed columns (namndbok.export.nyckeltal_files.HEADERS, as the CLI prints them) in the page's
# order: the text columns first (left-aligned), then the numbers.
TEXT_COLUMNS = ("Verksamhet", "Mått", "Enhet")


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
    # The avvikelse and its volym- and priseffekt (tkr without decimals), toned as avvikelser.
    toned = {HEADERS.index(h): m for h, m in (("Avvikelse", "avvikelse"), ("Volymeffekt", "volymeffekt"),
                                              ("Priseffekt", "priseffekt"))}
    order = [HEADERS.index(h) for h in TEXT_COLUMNS] + [i for i, h in enumerate(HEADERS) if h not in TEXT_COLUMNS]
    rows = []
    for result, texts in zip(results, printed_rows(results)):
        texts[0] = named(data, result.spec)
        rows.append(([measure_cell(result, toned[i], "tkr", 0, text=texts[i]) if i in toned else Cell(texts[i])
                      for i in order], False))
    table = Table(f"Nyckeltal {date.year} t.o.m. {date_text(date)} (tkr)", tuple(HEADERS[i] for i in order), rows,
                  "nyckeltal", len(TEXT_COLUMNS))
    chart = ext.cached(("nyckeltal-chart", version, date), lambda d: charts.trend_chart(d, volumes, specs, date))
    return {"table": table, "chart": chart, "missing": None}


def named(data, spec) -> str:
    """The nyckeltal's verksamheter by code and name from the kontoplan ("5731 Institutionsvård (HVB)
    barn och unga"); a label of its own (etikett, "5731 extern") is kept before the names."""
    from namndbok.engine import label

    names = [label(data, "verksamhet", code) for code in spec.verksamhet]
    if spec.label == " ".join(spec.verksamhet):
        return ", ".join(names)
    return f"{spec.label}: " + ", ".join(name.removeprefix(f"{code} ") for name, code in zip(names, spec.verksamhet))
