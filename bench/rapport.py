"""The figures as the generated file bench/RESULTAT.md (Swedish, Markdown): pure functions."""

from __future__ import annotations

from typing import NamedTuple

from bench.fava import GOAL as FAVA_GOAL
from bench.fava import LedgerTimings
from bench.kommando import GOAL as COMMAND_GOAL
from bench.kommando import CommandFigure
from bench.kommunmatning import READ_GOAL, TABLE_GOAL, KommunFigure
from bench.sie import ImportFigure
from namndbok import markdown
from namndbok.swedish import format_number

SIE_GOAL = 200_000  # rows per second, a million summerad rows


class Head(NamedTuple):
    command: str  # how the file was made, e.g. "python -m bench"
    when: str  # UTC date and time
    commit: str  # short hash, with a note when the tree had changes
    machine: str  # name, architecture, cores, Python
    load: tuple[float, float]  # the machine's 1-minute load average before and after


class Figures(NamedTuple):
    commands: list[CommandFigure]
    sie: ImportFigure
    fava: list[LedgerTimings]
    kommun: KommunFigure | None = None


def n(value: float, decimals: int = 0) -> str:
    return format_number(value, decimals)


def met(ok: bool) -> str:
    return "nås" if ok else "nås inte"


def table(rows: list[list[str]]) -> list[str]:
    """A Markdown table of a header row and the rows: the first column text, the others figures."""
    return markdown.table(rows[0], rows[1:], [False] + [True] * (len(rows[0]) - 1))


def command_section(figures: list[CommandFigure]) -> list[str]:
    rows = [["Liggare", "uppfoljning, s", "bean-check, s", "kvot", "kvot på CPU-tid", f"högst {n(COMMAND_GOAL, 1)}"]]
    rows += [[f.label, n(f.uppfoljning_s, 2), n(f.bean_check_s, 2), n(f.ratio, 2), n(f.cpu_ratio, 2),
              met(f.ratio <= COMMAND_GOAL)] for f in figures]
    return ["## `namndbok uppfoljning` mot `bean-check`", "",
            "Hela kommandot, kallt (`NAMNDBOK_CACHE=0`, `BEANCOUNT_DISABLE_LOAD_CACHE=1`), på samma liggare; "
            "medianen av körningarna, de två kommandona växelvis. Kvot = uppfoljning / bean-check, av väggtiden "
            "(målet) och av kommandonas egen CPU-tid (som inte räknar väntan på en kärna på en upptagen dator).", "",
            *table(rows)]


def sie_section(figure: ImportFigure) -> list[str]:
    rows = [["Rader", "MB", "tid, s", "CPU, s", "rader/s", "rader/s på CPU-tid", "toppminne, MB",
             f"minst {n(SIE_GOAL)} rader/s"],
            [n(figure.rows), n(figure.megabytes, 1), n(figure.seconds, 2), n(figure.cpu_seconds, 2), n(figure.rate),
             n(figure.cpu_rate), n(figure.peak_mb), met(figure.rate >= SIE_GOAL)]]
    return [f"## SIE-import, {figure.mode}", "",
            "En genererad SIE 4-fil importerad i en ny kopia av exempelnämnden, i en egen process; "
            "tiden är medianen av körningarna, minnet det största. Målet gäller väggtiden; på en upptagen dator "
            "är den större än CPU-tiden (processen väntar på en kärna).", "", *table(rows)]


def fava_section(ledgers: list[LedgerTimings]) -> list[str]:
    out = ["## Nämndboks sidor i Fava mot Favas resultaträkning", "",
           "Hela HTTP-svaret (Favas resultaträkning: sidan och dess JSON), medianen av omgångarna; "
           "varm, och efter laddning (det en omladdning tömmer tömt före varje anrop). "
           f"Kvot = sidan / Favas resultaträkning med samma tidsfilter; målet är högst {n(FAVA_GOAL, 1)}."]
    for ledger in ledgers:
        rows = [["Sida", "varm, ms", "kvot", "efter laddning, ms", "kvot"]]
        rows += [[t.label, n(t.ms), n(t.ratio, 2), n(t.cold_ms), n(t.cold_ratio, 2)] for t in ledger.timings]
        worst = max(max(t.ratio, t.cold_ratio) for t in ledger.timings if t.ours)
        out += ["", f"### {ledger.label} ({n(ledger.entries)} poster)", "", *table(rows), "",
                f"Högsta kvot för Nämndboks sidor: {n(worst, 2)} ({met(worst <= FAVA_GOAL)})."]
    return out


def kommun_section(figure: KommunFigure, verksamheter: int) -> list[str]:
    rows = [["Mätning", "tid, s", "jämfört med", "mål", "bedömning"],
            [f"Läsa alla {figure.ledgers} liggare (`load_kommun`)", n(figure.read_s, 2),
             f"bean-check {n(figure.bean_check_s, 2)} s, kvot {n(figure.ratio, 2)}", f"kvot högst {n(READ_GOAL, 1)}",
             met(figure.ratio <= READ_GOAL)],
            ["Beancounts laddning av samma filer i en process (`loader.load_file`)", n(figure.beancount_s, 2),
             f"läsningen / den: kvot {n(figure.load_ratio, 2)}", "", ""],
            ["Kommunens tabell efter läsningen (`kommun_table`)", n(figure.table_s, 2), "", f"under {n(TABLE_GOAL)} s",
             met(figure.table_s < TABLE_GOAL)],
            ["`namndbok kommun`, hela kommandot", n(figure.command_s, 2), "", "", ""],
            ["`namndbok period-close --kommun-katalog --utan-pdf`", n(figure.close_s, 2), "", "", ""],
            ["`namndbok period-close --kommun-katalog`, med PDF (en körning)", n(figure.close_pdf_s, 2), "", "", ""]]
    return [f"## Kommunen: {figure.label}", "",
            f"En genererad kommun ({verksamheter} verksamheter och 5 kostnadskonton per nämnd, ingen "
            "finansförvaltning), varje år en summerad SIE-import och stängt med bokslut. Kallt "
            "(`NAMNDBOK_CACHE=0`, `BEANCOUNT_DISABLE_LOAD_CACHE=1`), medianen av körningarna, mätningarna växelvis. "
            "Läsningen och tabellen mäts i en egen process, utan processens start; bean-check är summan av "
            "väggtiden för `bean-check` på varje nämnds huvudfil efter varandra (med varje starts tid; målets mått). "
            "Beancounts egen laddning av samma filer i en process (utan bean-checks starter) visas som jämförelse, utan mål. "
            "Kommandona är hela väggtiden; period-close körs på en ny kopia av mappen (utan de importerade SIE-filerna) varje gång.", "",
            *markdown.table(rows[0], rows[1:], [False, True, False, False, False])]


def report(head: Head, figures: Figures) -> str:
    """The whole file."""
    lines = ["# Nämndboks mätningar", "",
             f"Genererad av `{head.command}` från projektets rot. Skriv inte för hand: kör kommandot igen.", "",
             f"- Datum: {head.when}",
             f"- Commit: {head.commit}",
             f"- Dator: {head.machine}",
             f"- Belastning (1 minut): {n(head.load[0], 2)} före, {n(head.load[1], 2)} efter", "",
             *command_section(figures.commands), "", *sie_section(figures.sie), "", *fava_section(figures.fava)]
    if figures.kommun is not None:
        from bench.kommun import VERKSAMHETER_PER_NAMND

        lines += ["", *kommun_section(figures.kommun, VERKSAMHETER_PER_NAMND)]
    return "\n".join(lines) + "\n"
