"""A unit manager's prognos written into the follow-up's file: the CLI's `namndbok prognos lamna`
and the Fava page "Lämna prognos" both go through here.

What is entered, per verksamhet and follow-up (the month's last day), in mnkr, tkr or kr,
with a decimal comma or point (`read_submission`):

- `kostnader`: the year's costs, positive (e.g. 158,1 mnkr);
- `intakter`: the year's own revenues, positive as well (14,5 mnkr of intäkter);
- `basta`, `samsta` (optional): the year's KOSTNADER in the best and the worst case, so
  bästa ≤ kostnader ≤ sämsta (the example's convention: the best case costs least);
- `kommentar` (optional, one line), and who submits (`av`, for the git commit).

Either kostnader or intäkter, or both. They become `custom "prognos"` lines in
Beancount's sign (kostnader positive, intäkter negative) on the verksamhet's accounts,
dated at the follow-up, in ÅR/prognos/ÅÅÅÅ-MM.beancount (`namndbok.prognos`):

    2026-10-31 custom "prognos" Kostnader:Socialnämnden:571  158100000.00 SEK  ; Kostnader · Missbrukarvård för vuxna
      kommentar: "Lägre volymer av köpt institutionsvård för vuxna."
    2026-10-31 custom "prognos" Kostnader:Socialnämnden:571  157551000.00 SEK  ; bästa fall
      fall: "bästa"

A submission replaces that follow-up's lines of the same verksamhet × typ (the unit
`namndbok.prognos.unit_of` counts as a whole), in place, and keeps every other line and
comment of the file as it was (`replace_unit`, pure). A typ not entered keeps its lines.

The write (`submit`) is the budget proposal's (`scripts/budget_fordela.py`): under the
ledger's write lock, atomically, the file created and included when new, the ledger
loaded afresh afterwards and everything put back if it got a fault. Refused before
anything is written: a follow-up inside a locked period (at the lock's line), a
verksamhet the kontoplan does not have, a follow-up's lines of the unit in another
file. Where the ledger's folder is a git work tree, the submission is one commit of
exactly the files it changed (`namndbok.git_work`).
"""

from __future__ import annotations

import calendar
import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Mapping, NamedTuple

from namndbok.accounts import KIND_INTAKT, KIND_KOSTNAD, AccountNameError, Roots, parse_account, result_account
from namndbok.fileio import absolute, shown
from namndbok.prognos import BEST, DIRECTIVE, WORST
from namndbok.prognos_status import SOURCE, SUGGESTED, SUGGESTION
from namndbok.swedish import UNITS, parse_number, round_half_up
from namndbok.writer_lock import writer

COMMAND = "namndbok prognos lamna"
INCLUDE = 'include "*/prognos/*.beancount"'
ENTERED = (("kostnader", "Kostnader"), ("intakter", "Intäkter"), ("basta", "Bästa fall"), ("samsta", "Sämsta fall"))
KIND_NAMES = {KIND_KOSTNAD: "Kostnader", KIND_INTAKT: "Intäkter"}
MAX_TEXT = 500  # a comment or a name longer than this is no comment


class InputError(ValueError):
    """What is wrong with what was entered, in Swedish (str() is the message)."""


class Submission(NamedTuple):
    verksamhet: str
    follow_up: datetime.date  # the month's last day
    kostnader: Decimal | None  # kronor, positive
    intakter: Decimal | None  # kronor, positive
    basta: Decimal | None  # kostnader in the best case, kronor
    samsta: Decimal | None  # kostnader in the worst case, kronor
    kommentar: str | None
    av: str | None
    suggested: bool = False  # the suggestion written by `prognos forslag --skriv`: each line kalla: "förslag"

    def kinds(self) -> set[str]:
        """The typer this submission gives (and so replaces)."""
        return {kind for kind, value in ((KIND_KOSTNAD, self.kostnader), (KIND_INTAKT, self.intakter))
                if value is not None}


def follow_up_of(date: datetime.date) -> datetime.date:
    """The follow-up a date belongs to: its month's last day."""
    return datetime.date(date.year, date.month, calendar.monthrange(date.year, date.month)[1])


def _one_line(text: str | None, label: str) -> str | None:
    text = (text or "").strip()
    if not text:
        return None
    if "\n" in text or "\r" in text or len(text) > MAX_TEXT:
        raise InputError(f"{label} ska vara en rad (högst {MAX_TEXT} tecken).")
    return text


def read_submission(verksamhet: str, date: datetime.date, texts: Mapping[str, str | None], enhet: str = "mnkr",
                    kommentar: str | None = None, av: str | None = None) -> Submission:
    """What was entered (`texts`: kostnader, intakter, basta, samsta as typed) as a Submission in kronor;
    InputError (Swedish, naming the field) when it is not a prognos."""
    if enhet not in UNITS:
        raise InputError(f"Enheten '{enhet}' finns inte; välj {', '.join(UNITS)}.")
    verksamhet = (verksamhet or "").strip()
    if not verksamhet:
        raise InputError("Ange verksamheten (koden i kontoplanen, t.ex. 571).")
    amounts: dict[str, Decimal | None] = {}
    for key, label in ENTERED:
        text = (texts.get(key) or "").strip()
        if not text:
            amounts[key] = None
            continue
        number = parse_number(text)
        if number is None:
            raise InputError(f"{label}: '{text}' är inget tal; skriv t.ex. 158,1 ({enhet}).")
        if number < 0:
            raise InputError(f"{label}: skriv beloppet utan minustecken ({text}); intäkter och kostnader "
                             "anges båda som positiva belopp för helåret.")
        amounts[key] = round_half_up(number * UNITS[enhet], 2)
    if amounts["kostnader"] is None and amounts["intakter"] is None:
        raise InputError("Ange prognosen för helåret: kostnader, intäkter eller båda.")
    main = amounts["kostnader"]
    for key, label in ENTERED[2:]:
        if amounts[key] is not None and main is None:
            raise InputError(f"{label} gäller kostnaderna; ange också kostnaderna i huvudprognosen.")
    if amounts["basta"] is not None and amounts["basta"] > main:
        raise InputError("Bästa fall kan inte ha högre kostnader än prognosen; skriv ett lägre belopp eller inget.")
    if amounts["samsta"] is not None and amounts["samsta"] < main:
        raise InputError("Sämsta fall kan inte ha lägre kostnader än prognosen; skriv ett högre belopp eller inget.")
    name = _one_line(av, "Namnet")
    if name is not None and re.search(r"[<>]", name):
        raise InputError("Namnet får inte innehålla < eller >.")
    return Submission(verksamhet, follow_up_of(date), amounts["kostnader"], amounts["intakter"], amounts["basta"],
                      amounts["samsta"], _one_line(kommentar, "Kommentaren"), name)


def from_suggestions(rows, prognos_lines, refs, follow_up: datetime.date, only: set[str] | None = None) -> list[Submission]:
    """The suggestions (`namndbok.prognos_forslag.Suggestion` rows of whole verksamheter) as
    submissions for the follow-up, for each verksamhet × typ that has no prognos line of that
    follow-up yet (what a unit manager gave is never replaced); `only`: these verksamheter."""
    given = {(refs[line.account].verksamhet, refs[line.account].kind) for line in prognos_lines
             if line.date == follow_up and line.account in refs}
    by_unit: dict[str, dict] = {}
    for row in rows:
        if row.ansvar is not None or row.verksamhet is None or (only and row.verksamhet not in only):
            continue
        if (row.verksamhet, row.kind) in given or row.kind not in (KIND_KOSTNAD, KIND_INTAKT):
            continue
        unit = by_unit.setdefault(row.verksamhet, {"methods": []})
        unit[row.kind] = row.forslag if row.kind == KIND_KOSTNAD else -row.forslag
        unit["methods"].append(row.method)
    return [Submission(verksamhet, follow_up, unit.get(KIND_KOSTNAD), unit.get(KIND_INTAKT), None, None,
                       f"{SUGGESTED} (" + ", ".join(dict.fromkeys(unit["methods"])) + ")", None, True)
            for verksamhet, unit in sorted(by_unit.items())]


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def prognos_block(roots: Roots, namnd: str, submission: Submission, verksamhet_name: str, currency: str) -> list[str]:
    """The submission's lines, in Beancount's sign: intäkter first, then kostnader with their cases."""
    date = submission.follow_up
    commented = KIND_KOSTNAD if submission.kostnader is not None else KIND_INTAKT  # the comment's line
    out = []
    for kind, amount, cases in ((KIND_INTAKT, submission.intakter, ()),
                                (KIND_KOSTNAD, submission.kostnader,
                                 ((BEST, submission.basta), (WORST, submission.samsta)))):
        if amount is None:
            continue
        account = result_account(roots, kind, namnd, submission.verksamhet)
        sign = -1 if kind == KIND_INTAKT else 1
        out.append(f'{date} custom "{DIRECTIVE}" {account}  {sign * amount:.2f} {currency}  '
                   f'; {KIND_NAMES[kind]} · {verksamhet_name}')
        if submission.kommentar and kind == commented:
            out.append(f"  kommentar: {_quoted(submission.kommentar)}")
        if submission.suggested:
            out.append(f'  {SOURCE}: "{SUGGESTION}"')
        for fall, case in cases:
            if case is not None:
                out.append(f'{date} custom "{DIRECTIVE}" {account}  {sign * case:.2f} {currency}  ; {fall} fall')
                out.append(f'  fall: "{fall}"')
    return out


def unit_lines(text: str, roots: Roots, namnd: str, follow_up: datetime.date, verksamhet: str,
               kinds: set[str]) -> list[tuple[int, int]]:
    """(first, last) line numbers (1-based, inclusive, with its metadata lines) of each entry in
    `text` that is a prognos line of the follow-up for nämnd × verksamhet × one of `kinds`."""
    from beancount.parser import parser

    entries, _, _ = parser.parse_string(text)
    lines = text.splitlines()
    spans = []
    for entry in entries:
        if type(entry).__name__ != "Custom" or entry.type != DIRECTIVE or entry.date != follow_up or not entry.values:
            continue
        try:
            ref = parse_account(str(entry.values[0].value), roots)
        except AccountNameError:
            continue
        if ref.namnd != namnd or ref.verksamhet != verksamhet or ref.kind not in kinds:
            continue
        first = last = entry.meta["lineno"]
        while last < len(lines) and lines[last][:1] in (" ", "\t") and lines[last].strip():
            last += 1
        spans.append((first, last))
    return spans


def replace_unit(text: str, roots: Roots, namnd: str, submission: Submission, block: list[str]) -> str:
    """`text` (a follow-up's file) with the submission's unit lines replaced by `block`, where the
    first of them stood (appended after a blank line when there were none); every other line as it was."""
    lines = text.splitlines()
    spans = unit_lines(text, roots, namnd, submission.follow_up, submission.verksamhet, submission.kinds())
    if not spans:
        head = "\n".join(lines).rstrip("\n")
        return head + "\n\n" + "\n".join(block) + "\n"
    dropped = {n for first, last in spans for n in range(first, last + 1)}
    start = min(first for first, _ in spans)
    out: list[str] = []
    for number, line in enumerate(lines, 1):
        if number == start:
            out.extend(block)
        if number in dropped:
            continue
        if not line.strip() and out and not out[-1].strip() and number - 1 in dropped:
            continue  # a blank line after removed lines that follows a blank line: one is enough
        out.append(line)
    return "\n".join(out) + "\n"


# -- the write -------------------------------------------------------------------------------------


class Outcome(NamedTuple):
    target: Path
    name: str  # the verksamhet, code and name ("571 Missbrukarvård för vuxna")
    changed: list[Path]  # the files written (the follow-up's file, the main file when it got the include)
    committed: object  # namndbok.git_work.Committed


def target_of(ledger: Path, follow_up: datetime.date) -> Path:
    return Path(ledger).parent / str(follow_up.year) / "prognos" / f"{follow_up:%Y-%m}.beancount"


def locked_at(entries, base: Path, date: datetime.date):
    """The lock (`namndbok.las`) whose closed period holds `date`, or None."""
    from namndbok.las import parse_locks

    locks, _ = parse_locks(entries, base)
    return next((lock for lock in sorted(locks, key=lambda lock: lock.end) if lock.start <= date <= lock.end), None)


def refuse_locked(entries, ledger: Path, follow_up: datetime.date) -> None:
    """SourceError at the lock's line when the follow-up lies in a closed period."""
    from namndbok.importers.model import SourceError

    lock = locked_at(entries, Path(ledger).parent, follow_up)
    if lock is not None:
        raise SourceError(shown(str(lock.meta.get("filename"))), int(lock.meta.get("lineno") or 0),
                          locked_text(lock, follow_up))


def locked_text(lock, follow_up: datetime.date) -> str:
    return (f"Perioden {lock.start} – {lock.end} är stängd, så ingen prognos kan lämnas för uppföljningen "
            f"{follow_up:%Y-%m}. Lämna prognosen i en uppföljning efter {lock.end}.")


def check_unit(data, ledger: Path, verksamhet: str) -> tuple[str, str]:
    """(nämnd, the verksamhet's name) from the ledger's kontoplan; SourceError when it has no such verksamhet."""
    from namndbok.importers.model import SourceError
    from namndbok.kontoplan import check_account
    from namndbok.ledgerdata import NO_KONTOPLAN

    if not data.kontoplaner:
        raise SourceError(str(ledger), 0, NO_KONTOPLAN.format("prognosen"))
    plan = next(iter(data.kontoplaner.values()))
    wrong: str | None = "ett led, inte flera"
    if re.fullmatch(r"[^:\s]+", verksamhet):
        wrong = check_account(parse_account(result_account(data.roots, KIND_KOSTNAD, plan.namnd, verksamhet),
                                            data.roots), data.kontoplaner)
    if wrong is not None:
        known = ", ".join(sorted(plan.verksamheter)[:12]) + (" …" if len(plan.verksamheter) > 12 else "")
        raise SourceError(shown(plan.path), 0, f"Verksamheten '{verksamhet}' finns inte i kontoplanen. Ange en av "
                                        f"kontoplanens verksamheter: {known}.")
    return plan.namnd, plan.verksamheter[verksamhet].namn


def commit_message(submission: Submission, verksamhet_name: str) -> str:
    who = f" ({submission.av})" if submission.av else ""
    return f"Prognos {submission.follow_up:%Y-%m}: {submission.verksamhet} {verksamhet_name}{who}"


def submit(ledger: Path, submission: Submission) -> Outcome:
    """Write the submission into its follow-up's file (see the module docstring) and commit it
    where the ledger's folder is a git work tree."""
    return submit_many(ledger, [submission])[0]


@writer(COMMAND)
def submit_many(ledger: Path, submissions: list[Submission], message: str | None = None,
                author: str | None = None) -> list[Outcome]:
    """Write several verksamheters' prognoses of one follow-up in one change (one check, one commit:
    `message`, by `author`; one submission's own message and author when alone)."""
    from namndbok.git_work import commit_files
    from namndbok.importers.ledger_append import change_and_check
    from namndbok.importers.ledger_check import load_before_change
    from namndbok.importers.model import SourceError
    from namndbok.load_reading import reading_of

    ledger = absolute(ledger)
    follow_ups = {s.follow_up for s in submissions}
    if len(follow_ups) != 1:
        raise ValueError("submit_many: one follow-up at a time")
    follow_up = follow_ups.pop()
    entries, _, options = load_before_change(ledger)
    data = reading_of(entries, options)
    refuse_locked(entries, ledger, follow_up)
    target = target_of(ledger, follow_up)
    blocks = []
    for submission in submissions:
        namnd, name = check_unit(data, ledger, submission.verksamhet)
        for line in data.prognos:
            ref = data.refs.get(line.account)
            if (line.date == follow_up and ref is not None and ref.namnd == namnd
                    and ref.verksamhet == submission.verksamhet and ref.kind in submission.kinds()
                    and absolute(Path(line.meta.get("filename", ""))) != target):
                raise SourceError(str(line.meta.get("filename")), int(line.meta.get("lineno") or 0),
                                  f"Uppföljningen {follow_up:%Y-%m} har redan prognosrader för "
                                  f"{submission.verksamhet} här, utanför {target}. Flytta dem dit (eller ta bort dem) "
                                  "och lämna prognosen igen.")
        blocks.append((submission, namnd, name, prognos_block(data.roots, namnd, submission, name, data.currency)))

    def replaced(head: str) -> str:
        for submission, namnd, _, block in blocks:
            head = replace_unit(head, data.roots, namnd, submission, block)
        return head

    main_before = ledger.read_text(encoding="utf-8")
    title = f"Prognos helår {follow_up.year}, uppföljningen per {follow_up:%Y-%m}, lämnad med Nämndbok."
    change_and_check(ledger, [(target, title, replaced)], data.roots, INCLUDE, str(target), COMMAND, what="Prognosen")
    changed = [target] + ([ledger] if INCLUDE not in main_before else [])
    if len(blocks) == 1 and message is None:
        submission, _, name, _ = blocks[0]
        message, author = commit_message(submission, name), submission.av
    committed = commit_files(ledger.parent, changed, message, author)
    return [Outcome(target, f"{submission.verksamhet} {name}", changed, committed) for submission, _, name, _ in blocks]
