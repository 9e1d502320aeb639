"""Lämna prognos: a unit manager picks the follow-up and the verksamhet, sees utfall so far,
the year's budget, the latest prognos and the suggestion, and gives the year's prognos.

The form posts to the extension's endpoint `lamna_prognos` (`namndbok_fava.prognos_form`),
which writes through `namndbok.prognos_write` as `namndbok prognos lamna` does. The page
shows no form in read-only Fava (`--skrivskyddad`) or for a follow-up in a locked period,
and says why. Below, what has come in for the follow-up and what is missing
(`namndbok.prognos_status`, as `namndbok prognos status`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from namndbok.accounts import KIND_INTAKT, KIND_KOSTNAD, NETTO
from namndbok.swedish import format_amount, month_name
from namndbok_fava.pages import Cell, Table

FORM = "prognos"  # the form's name in its token (namndbok_fava.form_token)
ENTRY_UNITS = ("mnkr", "tkr", "kr")
FIELDS = ("kostnader", "intakter", "basta", "samsta", "kommentar", "av", "enhet")


def suggestion(data, follow_up: datetime.date, verksamhet: str) -> dict[str, Decimal] | None:
    """The suggested prognos of the verksamhet for the follow-up, per typ (KIND_KOSTNAD, KIND_INTAKT →
    kronor, positive as entered), or None where there is none. The one place the page asks for a
    suggestion (the column Förslag); the suggestion itself is computed by namndbok.prognos_forslag
    (`suggested_amounts`, as `namndbok prognos forslag` prints it)."""
    from namndbok.accounts import parse_account
    from namndbok.prognos_forslag import ForslagError, suggested_amounts

    try:
        amounts = suggested_amounts(data, follow_up)
    except ForslagError:
        return None
    out = {}
    for (account, ansvar), found in amounts.items():
        if ansvar is None and found.kind in (KIND_KOSTNAD, KIND_INTAKT) \
                and parse_account(account, data.roots).verksamhet == verksamhet:
            out[found.kind] = found.amount if found.kind == KIND_KOSTNAD else -found.amount
    return out or None


def token_form(ext) -> str:
    """The form's name in its token: the form and the ledger (a token of one ledger is no token of another)."""
    return f"{FORM}:{ext.ledger.beancount_file_path}"


def parse_follow_up(text: str) -> datetime.date | None:
    """'2026-10' → 2026-10-31; None when it is no month."""
    from namndbok.prognos_write import follow_up_of

    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return follow_up_of(datetime.date(year, month, 1))
    except ValueError:
        return None


def follow_up_choice(args, date: datetime.date) -> datetime.date:
    """`?uppfoljning=ÅÅÅÅ-MM`, else the report date's month (its last day)."""
    from namndbok.prognos_write import follow_up_of

    return parse_follow_up(args.get("uppfoljning", "")) or follow_up_of(date)


def page(ext, data, date, args) -> dict:
    from namndbok.prognos_status import missing_text, status, units_to_forecast, when_text
    from namndbok.prognos_write import locked_at, locked_text
    from namndbok_fava.form_token import make_token
    from namndbok_fava.pages import link

    follow_up = follow_up_choice(args, date)
    units = units_to_forecast(data, follow_up.year)
    chosen = args.get("verksamhet") if args.get("verksamhet") in units else None
    months = [(f"{follow_up.year}-{m:02d}", f"{month_name(m)} {follow_up.year}", m == follow_up.month)
              for m in range(1, 13)]
    from namndbok.engine import label

    content = {
        "months": months,
        "units": [(code, label(data, "verksamhet", code), code == chosen) for code in units],
        "chosen": chosen,
        "follow_up": follow_up,
        "follow_up_text": f"{month_name(follow_up.month)} {follow_up.year}",
        "closed": None,
        "suggestion_note": None,
        "read_only": None,
        "figures": None,
        "form": None,
        "error": ext.prognos_error(),
        "receipt": ext.receipt(args.get("kvitto", "")),
    }
    lock = locked_at(ext.ledger.all_entries, ext.ledger_dir, follow_up)
    if lock is not None:
        content["closed"] = locked_text(lock, follow_up)
    if ext.read_only():
        content["read_only"] = ("Fava körs skrivskyddat (namndbok fava --skrivskyddad), så prognoser kan inte lämnas "
                                "här. Be ekonomen om en adress där Fava inte är skrivskyddat, eller lämna prognosen "
                                "med `namndbok prognos lamna`.")
    if chosen is not None:
        suggested = suggestion(data, follow_up, chosen)
        content["figures"] = figures(data, follow_up, chosen, suggested or {})
        if suggested is None:
            content["suggestion_note"] = ("Inget förslag för verksamheten: den har varken utfall, budget eller "
                                          "fjolårets utfall att räkna från.")
        else:
            content["suggestion_note"] = ("Förslaget är utfallet hittills plus resten av året som i fjol (eller enligt "
                                          "budget), som `namndbok prognos forslag`; en utgångspunkt, inte en prognos.")
        if content["closed"] is None and content["read_only"] is None:
            content["form"] = {
                "action": link_endpoint(sida="lamna-prognos", uppfoljning=f"{follow_up:%Y-%m}", verksamhet=chosen),
                "token": make_token(token_form(ext), chosen),
                "entered": form_values(ext),
                "units": ENTRY_UNITS,
            }
    statuses = status(data, follow_up)
    content["status"] = Table(
        f"Prognoser för uppföljningen {follow_up:%Y-%m}", ("Verksamhet", "Prognos", "Incheckad", "Av"),
        [([Cell(unit.name, link(sida="lamna-prognos", uppfoljning=f"{follow_up:%Y-%m}", verksamhet=unit.verksamhet)),
           Cell(unit.state, tone=None if unit.state == "lämnad" else "dalig"),
           Cell(when_text(unit.when)), Cell(unit.author or "—")], False)
         for unit in statuses], "prognosstatus", text_columns=4)
    content["missing"] = missing_text(statuses, follow_up)
    return content


def link_endpoint(**params) -> str:
    """The form's endpoint (`/<ledger>/extension/Namndbok/lamna_prognos`) with the page's parameters, so that
    a refused submission shows the same page again. (Flask's url_for cannot name Fava's route: its
    parameter `endpoint` is url_for's own.)"""
    from urllib.parse import urlencode

    from fava.application import url_for

    report = url_for("extension_report", extension_name="Namndbok")
    return f"{report.split('?')[0]}lamna_prognos?" + urlencode({k: v for k, v in params.items() if v is not None})


def form_values(ext) -> dict[str, str]:
    """What was entered, when the page is shown again after a refused submission."""
    from flask import request

    if request.method != "POST":
        return {"enhet": "mnkr"}
    return {name: request.form.get(name, "") for name in FIELDS}


def figures(data, follow_up: datetime.date, verksamhet: str, suggested: dict[str, Decimal]) -> Table:
    """Utfall t.o.m. the follow-up, budget helår, the latest prognos and the suggestion, per typ and
    netto, in mnkr, signed as entered (kostnader and intäkter positive)."""
    from namndbok.engine import compute
    from namndbok.prognos import MAIN, prognos_at

    table = compute(data, follow_up, group_by=("typ",), kinds=NETTO, where={"verksamhet": verksamhet})
    measures = {row.key[0]: row.measures for row in table.rows}
    latest: dict[str, Decimal] = {}
    dates: set[datetime.date] = set()
    for line in prognos_at(data.prognos, data.refs, follow_up, MAIN):
        ref = data.refs[line.account]
        if ref.verksamhet == verksamhet and ref.kind in NETTO:
            latest[ref.kind] = latest.get(ref.kind, Decimal(0)) + line.amount
            dates.add(line.date)
    sign = {KIND_KOSTNAD: -1, KIND_INTAKT: 1}  # committee's sign → as entered

    def entered(kind, measure):
        value = getattr(measures[kind], measure) if kind in measures else None
        return None if value is None else sign[kind] * value

    def shown(value):
        return format_amount(value, "mnkr", 1) if value is not None else "—"

    rows, net = [], {"utfall": None, "budget": None, "prognos": None, "forslag": None}
    for kind, name in ((KIND_KOSTNAD, "Kostnader"), (KIND_INTAKT, "Intäkter")):
        values = {"utfall": entered(kind, "utfall"), "budget": entered(kind, "budget_helar"),
                  "prognos": (latest[kind] if kind == KIND_KOSTNAD else -latest[kind]) if kind in latest else None,
                  "forslag": suggested.get(kind)}
        for key, value in values.items():
            if value is not None:
                net[key] = (net[key] or Decimal(0)) + (value if kind == KIND_KOSTNAD else -value)
        rows.append(([Cell(name), *(Cell(shown(values[k])) for k in net)], False))
    rows.append(([Cell("Nettokostnad"), *(Cell(shown(net[k])) for k in net)], True))
    when = ", ".join(f"{d:%Y-%m}" for d in sorted(dates)) or "ingen"
    span = data.utfall_span()
    through = min(follow_up, span[1]) if span else follow_up  # no utfall after the last booked day
    return Table(f"Helår {follow_up.year} (mnkr)",
                 ("", f"Utfall t.o.m. {through:%Y-%m-%d}", "Budget helår", f"Senaste prognos ({when})", "Förslag"),
                 rows, "prognosunderlag")
