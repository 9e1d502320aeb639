"""The period's report as one HTML page, and as PDF through Debian's Chromium.

The page is self-contained: inline CSS and inline SVG charts, no scripts, fonts
or other requests. All text is escaped (jinja2 autoescape). The PDF is Chromium
printing that page (`--print-to-pdf`), so HTML and PDF never differ.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup

from namndbok.report import cells

STYLE = """
  body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; margin: 2em; color: #222; }
  h1 { font-size: 16pt; } h2 { font-size: 12pt; margin-top: 2em; }
  table { border-collapse: collapse; margin: 0.5em 0 1em; }
  th, td { padding: 3px 8px; border-bottom: 1px solid #ddd; }
  th { text-align: right; vertical-align: bottom; background: #f3f3f3; font-weight: 600; }
  th:first-child, td:first-child { text-align: left; }
  td { text-align: right; white-space: nowrap; }
  tr.summa td { font-weight: bold; border-top: 1px solid #888; }
  figure { margin: 1em 0; page-break-inside: avoid; } svg { max-width: 100%; height: auto; }
  @page { size: A4 landscape; margin: 12mm; }
"""  # shared with the kommun's page (namndbok.export.kommun_files)

HEAD = """<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>{{ style }}</style>
</head>
<body>
<h1>{{ title }}</h1>
"""  # the page's head and title, shared with the kommun's page (namndbok.export.kommun_files)

TEMPLATE = HEAD + """<p>Uppföljning per {{ date }}. Avvikelse = prognos − budget, positiv är bra för nämnden.</p>
{% for report in reports %}
<h2>{{ report.name }}</h2>
<p>Belopp i {{ report.unit }}.</p>
<table>
  <thead><tr>{% for h in report.headers %}<th>{{ h }}</th>{% endfor %}</tr></thead>
  <tbody>
  {% for row in report.rows %}<tr{% if row.bold %} class="summa"{% endif %}>{% for c in row.cells %}<td>{{ c }}</td>{% endfor %}</tr>
  {% endfor %}
  </tbody>
</table>
{% endfor %}
<h2>Avvikelser</h2>
<ul>{% for line in deviations %}<li>{{ line }}</li>{% endfor %}</ul>
<h2>Eget kapital (ackumulerat resultat), mnkr</h2>
<table>
  <thead><tr><th></th>{% for c in ek.columns %}<th>{{ c }}</th>{% endfor %}</tr></thead>
  <tbody>{% for label, values in ek.rows %}<tr{% if loop.last %} class="summa"{% endif %}><td>{{ label }}</td>{% for v in values %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}</tbody>
</table>
{% if nyckeltal %}
<h2>Nyckeltal, tkr</h2>
<table>
  <thead><tr>{% for h in nyckeltal.headers %}<th>{{ h }}</th>{% endfor %}</tr></thead>
  <tbody>{% for row in nyckeltal.rows %}<tr>{% for c in row %}<td>{{ c }}</td>{% endfor %}</tr>{% endfor %}</tbody>
</table>
{% endif %}
<h2>Diagram</h2>
{% for chart in charts %}{% if chart %}<figure>{{ chart }}</figure>{% endif %}{% endfor %}
</body>
</html>
"""


def render_html(title: str, date, reports, deviations: list[str], ek_columns, ek_rows, charts: list[str],
                nyckeltal=None) -> str:
    """The page; `nyckeltal` (the computed nyckeltal, when nyckeltal.toml exists) adds their table."""
    from namndbok.export import nyckeltal_files

    env = Environment(autoescape=True)
    items = []
    for report in reports:
        items.append({
            "name": report.layout.namn,
            "unit": report.layout.enhet,  # each table's own unit, never the first table's
            "headers": report.headers,
            "rows": [{"bold": row.bold, "cells": printed} for row, printed in zip(report.rows, cells(report))],
        })
    return env.from_string(TEMPLATE).render(
        style=Markup(STYLE), title=title, date=date, reports=items,
        deviations=deviations, ek={"columns": ek_columns, "rows": ek_rows},
        charts=[Markup(chart) for chart in charts],  # our own SVG from matplotlib
        nyckeltal={"headers": nyckeltal_files.HEADERS, "rows": nyckeltal_files.rows(nyckeltal)} if nyckeltal else None,
    )


def chromium() -> str | None:
    """The Chromium that prints PDFs: Debian's `chromium-headless-shell` when installed
    (it starts and prints in ~0,3 s, the full browser in ~0,7 s, same PDF), else `chromium`."""
    return shutil.which("chromium-headless-shell") or shutil.which("chromium") or shutil.which("chromium-browser")


class PdfJob:
    """Chromium printing the page in the background: start it, do other work, then `wait()`.

    The PDF is written atomically by `wait()`, which raises RuntimeError (Swedish) when
    it could not be printed (also when there is no Chromium: the other work still runs);
    `cancel()` stops Chromium and leaves no file."""

    def __init__(self, html_path: Path, pdf_path: Path) -> None:
        binary = chromium()
        self.process = None
        if binary is None:
            return
        self.pdf_path = pdf_path
        self.profile = tempfile.TemporaryDirectory(prefix="namndbok-pdf-")
        self.tmp_pdf = Path(self.profile.name) / "rapport.pdf"
        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={self.profile.name}", "--no-pdf-header-footer", f"--print-to-pdf={self.tmp_pdf}",
             html_path.resolve().as_uri()],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )

    def wait(self) -> None:
        from namndbok.fileio import atomic_write_bytes

        if self.process is None:
            raise RuntimeError("PDF kräver Chromium (Debian: apt-get install chromium-headless-shell eller chromium); HTML-rapporten och de andra filerna är skrivna.")
        try:
            try:
                _, stderr = self.process.communicate(timeout=120)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.communicate()
                raise RuntimeError("Chromium skrev inte PDF:en på 120 sekunder.") from None
            if self.process.returncode != 0 or not self.tmp_pdf.exists():
                raise RuntimeError(f"Chromium kunde inte skriva PDF:en ({(stderr or '').strip()[-300:]}).")
            atomic_write_bytes(self.pdf_path, self.tmp_pdf.read_bytes())
        finally:
            self.profile.cleanup()

    def cancel(self) -> None:
        if self.process is None:
            return
        self.process.kill()
        self.process.communicate()
        self.profile.cleanup()
