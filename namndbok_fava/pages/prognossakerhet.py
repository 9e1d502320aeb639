"""Prognossäkerhet: how far each follow-up's prognos of a closed year was from its utfall,
with the error by follow-up month for every closed year (namndbok.prognossakerhet)."""

from __future__ import annotations

import re

from namndbok_fava import charts
from namndbok_fava.pages import Cell, Table


def page(ext, data, date, args) -> dict:
    from namndbok.export import prognossakerhet_files as files
    from namndbok.prognossakerhet import (PrognossakerhetError, calculate_prognossakerhet, closing_date,
                                         default_year, years_with_prognos)

    try:
        latest = default_year(data, before=date)
    except PrognossakerhetError as err:
        return {"message": str(err), "years": [], "year": None}
    years = [y for y in years_with_prognos(data) if closing_date(data, y) <= date]
    chosen = args.get("ar", "")
    year = int(chosen) if re.fullmatch(r"[0-9]{4}", chosen) and int(chosen) in years else latest
    accuracy = ext.cached(("prognossakerhet", year), lambda d: calculate_prognossakerhet(d, year))
    table = Table(f"Prognos och utfall av årets resultat {year} (mnkr)", files.HEADERS,
                  [([Cell(text) for text in row], False) for row in files.rows(accuracy)], "prognossakerhet")
    rows = files.verksamhet_rows(accuracy)
    per_verksamhet = Table(f"Avvikelse prognos − utfall i nettokostnad per verksamhet {year} (mnkr)",
                           files.verksamhet_headers(accuracy),
                           [([Cell(text) for text in row], i == len(rows) - 1) for i, row in enumerate(rows)],
                           "prognossakerhet-verksamhet")
    every = ext.cached(("prognossakerhet-alla", tuple(years)),
                       lambda d: [calculate_prognossakerhet(d, y, per_verksamhet=False) for y in years])
    return {"message": None, "years": years, "year": year, "table": table, "per_verksamhet": per_verksamhet,
            "chart": charts.prognossakerhet_chart(every)}
