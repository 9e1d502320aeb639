"""The kommun's table (namndbok.kommun) as printed cells, Markdown, CSV, XLSX and HTML: shared by
`namndbok kommun`, the kommun's period-close set and the Fava page "Kommun", so all print the
same cells. Rounding happens only here (namndbok.swedish)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from namndbok.kommun import RESULT_LABEL, KommunTable
from namndbok.swedish import MONTHS_SHORT, format_amount, format_measure
from namndbok.export.html import HEAD, STYLE

NOTE = ("Nämndernas belopp är nettokostnad (intäkter och kostnader, utan kommunbidrag), negativ; avvikelse = "
        "prognos − budget helår, positiv är bra. Kommunens årets resultat = skatteintäkter + generella statsbidrag "
        "+ finansnetto + nämndernas nettokostnad (kommunbidraget tar ut sig).")
NO_FINANS = ("Kommunen har ingen finansförvaltning (mappen finansforvaltning/ med skatteintäkter, statsbidrag "
             "och finansnetto), så kommunens årets resultat visas inte.")


def headers(table: KommunTable, unit: str = "mnkr") -> list[str]:
    month = f"{MONTHS_SHORT[table.date.month - 1]} {table.date.year}"
    return [unit.capitalize() if unit != "kr" else "Kronor", f"Kommunbidrag {table.date.year}", f"Utfall t.o.m. {month}",
            "Budget helår", "Prognos helår", "Avvikelse helår", "Eget kapital 31 dec enligt prognos"]


def values(table: KommunTable) -> list[tuple[str, list[Decimal | None], bool]]:
    """(label, amounts in kronor per column after the first, bold) row by row."""
    def measures(m) -> list[Decimal | None]:
        return [m.utfall, m.budget_helar, m.prognos, m.avvikelse_helar]

    out = [(r.namn, [r.kommunbidrag.budget_helar, *measures(r.netto), r.eget_kapital], False) for r in table.namnder]
    t = table.total
    out.append((t.namn, [t.kommunbidrag.budget_helar, *measures(t.netto), t.eget_kapital], True))
    out += [(line.label, [None, *measures(line.measures), None], False) for line in table.finans]
    if table.resultat is not None:
        out.append((RESULT_LABEL, [None, *measures(table.resultat), None], True))
    return out


MEASURE_COLUMNS = ("utfall", "budget_helar", "prognos", "avvikelse_helar")


def rows(table: KommunTable, unit: str = "mnkr", decimals: int = 1) -> list[tuple[list[str], bool]]:
    """(printed cells, bold) row by row: measures through `format_measure`, as every table prints them."""
    def cells(m) -> list[str]:
        return [format_measure(m, name, unit, decimals) for name in MEASURE_COLUMNS]

    def amount(value) -> str:
        return format_amount(value, unit, decimals)

    out = [([r.namn, amount(r.kommunbidrag.budget_helar), *cells(r.netto), amount(r.eget_kapital)], False)
           for r in table.namnder]
    t = table.total
    out.append(([t.namn, amount(t.kommunbidrag.budget_helar), *cells(t.netto), amount(t.eget_kapital)], True))
    out += [([line.label, "", *cells(line.measures), ""], False) for line in table.finans]
    if table.resultat is not None:
        out.append(([RESULT_LABEL, "", *cells(table.resultat), ""], True))
    return out


def row_measures(table: KommunTable) -> list:
    """The measures behind each of `rows` (in its order): a nämnd's nettokostnad, a finansförvaltning line, the result."""
    return [*(r.netto for r in table.namnder), table.total.netto, *(line.measures for line in table.finans),
            *([table.resultat] if table.resultat is not None else [])]


def title(table: KommunTable, unit: str = "mnkr") -> str:
    return f"{table.namn} – nämnderna och kommunens årets resultat per {table.date}, {unit}"


def notes(table: KommunTable) -> list[str]:
    return [NOTE, *([] if table.finans or table.resultat is not None else [NO_FINANS]), *table.warnings]


def to_markdown(table: KommunTable, unit: str = "mnkr", decimals: int = 1, links: dict[str, str] | None = None) -> str:
    """The table in Markdown, the notes under it; `links`: nämnd label → its set's index (the period-close set)."""
    from namndbok import markdown

    printed = rows(table, unit, decimals)
    body = [[f"**{c}**" if bold and c else c for c in cells] for cells, bold in printed]
    lines = [f"**{markdown.text(title(table, unit))}**", "",
             *markdown.table(headers(table, unit), body, [False] + [True] * 6), "",
             *(f"{markdown.text(n)}" for n in notes(table))]
    if links:
        lines += ["", "Nämndernas egna rapportpaket:", ""]
        lines += [f"- [{markdown.text(name)}]({target})" for name, target in links.items()]
    return "\n".join(lines) + "\n"


def to_csv(table: KommunTable, unit: str = "mnkr", decimals: int = 1) -> str:
    from namndbok.export.csv_excel import csv_text

    return csv_text(headers(table, unit), [cells for cells, _ in rows(table, unit, decimals)])


def to_xlsx(table: KommunTable, unit: str = "mnkr", decimals: int = 1) -> bytes:
    from namndbok.export.report_files import table_xlsx

    return table_xlsx(title(table, unit), headers(table, unit), values(table), unit, decimals,
                      datetime.date(table.date.year, 1, 1))


TEMPLATE = HEAD + """<table>
  <thead><tr>{% for h in headers %}<th>{{ h }}</th>{% endfor %}</tr></thead>
  <tbody>
  {% for cells, bold in rows %}<tr{% if bold %} class="summa"{% endif %}>{% for c in cells %}<td>{{ c }}</td>{% endfor %}</tr>
  {% endfor %}
  </tbody>
</table>
{% for note in notes %}<p>{{ note }}</p>{% endfor %}
{% if links %}<h2>Nämndernas egna rapportpaket</h2>
<ul>{% for name, target in links %}<li><a href="{{ target }}">{{ name }}</a></li>{% endfor %}</ul>{% endif %}
</body>
</html>
"""


def to_html(table: KommunTable, unit: str = "mnkr", decimals: int = 1, links: dict[str, str] | None = None) -> str:
    """One self-contained page (the period-close set's style), its PDF printed by Chromium."""
    from jinja2 import Environment
    from markupsafe import Markup


    return Environment(autoescape=True).from_string(TEMPLATE).render(
        title=title(table, unit), style=Markup(STYLE), headers=headers(table, unit), rows=rows(table, unit, decimals),
        notes=notes(table), links=list((links or {}).items()))
