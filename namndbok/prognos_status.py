"""Which verksamheter have given their prognos for a follow-up, when and by whom, and which have not.

The units asked for are the verksamheter with budget or utfall (intäkter, kostnader)
in the follow-up's year. A unit has given its prognos when the follow-up has a main
prognos line (`namndbok.prognos`) on one of its accounts. When and by whom comes
from git (`namndbok.git_work.line_authors`): the author and date of the latest commit
among that unit's lines; without git, or for lines not yet committed, nobody is named.
`namndbok prognos status` prints this, and the Fava page "Lämna prognos" shows it.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import NamedTuple

from namndbok.accounts import NETTO
from namndbok.budget import lines_in_effect
from namndbok.prognos import MAIN
from namndbok.utfallsindex import utfall_index


SUGGESTED = "Förslag från Nämndbok"  # the kommentar `namndbok prognos forslag --skriv` gives its lines
SOURCE, SUGGESTION = "kalla", "förslag"  # and the metadata on each of them: kalla: "förslag"


class UnitStatus(NamedTuple):
    verksamhet: str
    name: str
    given: bool
    when: datetime.datetime | None  # when it was committed (git)
    author: str | None  # who committed it (git)
    suggested: bool = False  # every main line is still the written suggestion (kalla: "förslag"): not given

    @property
    def state(self) -> str:
        return "förslag" if self.suggested else "lämnad" if self.given else "saknas"


def units_to_forecast(data, year: int) -> list[str]:
    """The verksamheter with budget or utfall (intäkter, kostnader) in `year`, in kontoplan order."""
    plan = next(iter(data.kontoplaner.values()))
    found = set()
    end = datetime.date(year, 12, 31)
    for line in lines_in_effect(data.decisions, data.budget_lines, year, end):
        ref = data.refs.get(line.account)
        if ref is not None and ref.kind in NETTO and ref.verksamhet:
            found.add(ref.verksamhet)
    for account, running in utfall_index(data).items():
        ref = data.refs.get(account)
        if ref is not None and ref.kind in NETTO and ref.verksamhet and ref.verksamhet not in found:
            if running.between(datetime.date(year, 1, 1), end) is not None:
                found.add(ref.verksamhet)
    order = list(plan.verksamheter)
    return sorted(found, key=lambda code: (order.index(code) if code in order else len(order), code))


def follow_up_lines(data, follow_up: datetime.date, verksamhet: str) -> list:
    """The follow-up's prognos lines (every fall) of one verksamhet's intäkter and kostnader."""
    out = []
    for line in data.prognos:
        ref = data.refs.get(line.account)
        if line.date == follow_up and ref is not None and ref.verksamhet == verksamhet and ref.kind in NETTO:
            out.append(line)
    return out


def status(data, follow_up: datetime.date) -> list[UnitStatus]:
    """Per unit asked for (`units_to_forecast`): has the follow-up its prognos, and from whom."""
    from namndbok.engine import label
    from namndbok.git_work import line_authors

    authors: dict[str, dict | None] = {}
    out = []
    for code in units_to_forecast(data, follow_up.year):
        lines = follow_up_lines(data, follow_up, code)
        given = any(line.fall is MAIN for line in lines)
        suggested = given and all(line.meta.get(SOURCE) == SUGGESTION for line in lines if line.fall is MAIN)
        latest = None
        for line in lines:
            name = str(line.meta.get("filename", ""))
            if name not in authors:
                authors[name] = line_authors(Path(name)) if Path(name).is_file() else None
            found = (authors[name] or {}).get(int(line.meta.get("lineno") or 0))
            if found is not None and (latest is None or found.when > latest.when):
                latest = found
        out.append(UnitStatus(code, label(data, "verksamhet", code), given,
                              latest.when if latest else None, latest.author if latest else None, suggested))
    return out


def missing(statuses: list[UnitStatus]) -> list[UnitStatus]:
    """The units whose prognos has not come in: none, or only the written suggestion."""
    return [unit for unit in statuses if not unit.given or unit.suggested]


def when_text(when: datetime.datetime | None) -> str:
    """When a unit's prognos was committed, as the CLI and the page print it ("—": not known)."""
    return when.strftime("%Y-%m-%d %H:%M") if when is not None else "—"


def missing_text(statuses: list[UnitStatus], follow_up: datetime.date) -> str:
    """The line under the status table: which units are missing, or that every one has given its prognos."""
    gone = missing(statuses)
    if gone:
        return f"Saknas ({len(gone)} av {len(statuses)}): " + ", ".join(unit.name for unit in gone) + "."
    if len(statuses) == 1:
        return f"Nämndens enda verksamhet har lämnat prognos för {follow_up:%Y-%m}."
    return f"Alla {len(statuses)} verksamheter har lämnat prognos för {follow_up:%Y-%m}."
