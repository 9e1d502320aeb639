"""`namndbok`: the committee economist's command line."""

from __future__ import annotations

import functools
from pathlib import Path

import click

from namndbok.fileio import absolute, shown
from namndbok.scripts import click_svenska
from namndbok.scripts.numbers import MNKR, shown_number
from namndbok.scripts.periods import PERIOD
from namndbok.scripts.tables import format_option, unit_options

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_DIR = REPO / "ledgers" / "exempel"
EXAMPLE_LEDGER = EXAMPLE_DIR / "socialnamnden.beancount"

def _read_clean(ledger: Path):
    """(options, LedgerData, entries) of a ledger that loads without errors (warnings are fine)."""
    from namndbok.load_reading import reading_of
    from namndbok.loading import faults, faults_message, load

    entries, errors, options = load(ledger)
    wrong = faults(errors)
    if wrong:
        raise click.ClickException(faults_message(wrong, ledger))
    return options, reading_of(entries, options), entries


def ledger_parameters(writes: bool, writes_when: str | None = None, or_kommun: bool = False):
    """The positional [LIGGARE] (where it stands among the command's arguments) and -f/--liggare FIL.
    The command's ledger is found as hledger finds its journal (`namndbok.scripts.ledger_choice`): LIGGARE or
    -f, NAMNDBOK_LIGGARE, the working folder's main ledger, and for a reading command the example.
    The command gets it, absolute, as `ledger`; how it was found is said on stderr (piped output
    stays clean). A writing command interrupted there (kill -9) is undone by the
    first load or write (`namndbok.writer_lock`), which says so. `writes_when`: the flag (e.g. `skriv`) that makes
    a reading command write, so that it never falls back to the example then; `or_kommun`: the command takes
    `--kommun-katalog` (its `kommun_katalog`) instead of a ledger, and no ledger is chosen with it."""
    fallback = "" if writes else ", annars exempelnämnden"

    def decorate(command):
        @functools.wraps(command)
        def chosen(*args, ledger_option: Path | None = None, **kwargs):
            from namndbok.scripts.ledger_choice import ChoiceError, choose

            if or_kommun and kwargs.get("kommun_katalog") is not None:  # a kommun's every ledger, not one
                if kwargs.get("ledger") is not None or ledger_option is not None:
                    raise click.UsageError("Ange antingen LIGGARE (en nämnd) eller kommunens mapp, inte båda.")
                return command(*args, **kwargs)
            try:
                writing = writes or (writes_when is not None and kwargs.get(writes_when))
                choice = choose(kwargs.get("ledger"), ledger_option, Path.cwd(), None if writing else EXAMPLE_LEDGER)
            except ChoiceError as err:
                raise click.ClickException(str(err)) from None
            if choice.note():
                click.echo(choice.note(), err=True)
            return command(*args, **{**kwargs, "ledger": choice.path})

        chosen = click.argument("ledger", required=False, metavar="[LIGGARE]",
                                type=click.Path(dir_okay=False, path_type=Path))(chosen)
        return click.option(
            "-f", "--liggare", "ledger_option", metavar="FIL", type=click.Path(dir_okay=False, path_type=Path),
            help=f"Liggarens huvudfil (samma som LIGGARE). Utan den: filen som NAMNDBOK_LIGGARE anger, annars "
                 f"huvudliggaren i mappen du står i{fallback}.")(chosen)

    return decorate


KOMMUN_KATALOG_HELP = "Kommunens mapp, med en undermapp per nämnd och dess liggare: alla nämnderna i stället för en liggare."


def _read_kommun(folder: Path):
    """(KommunFolder, [(name, Loaded)]) of a kommun's folder: every ledger loaded clean (`namndbok.kommun.load_kommun`,
    as `namndbok kommun` loads them), the finansförvaltning last; a nämnd's name as the kommun's table gives it."""
    from namndbok.kommun import load_kommun, namn_of
    from namndbok.kommun_folder import KommunError, read_kommun_folder

    try:
        kommun = read_kommun_folder(folder)
        namnder, finans = load_kommun(kommun)
    except KommunError as err:
        raise click.ClickException(str(err)) from None
    return kommun, [(namn_of(item), item) for item in (*namnder, *([finans] if finans else []))]


def _write_xlsx(target, data: bytes) -> None:
    """An XLSX table to `--ut` (atomically), said on stdout; a Swedish refusal without --ut or when it cannot be written."""
    from namndbok.fileio import os_reason
    from namndbok.scripts.budget import write_xlsx

    try:
        write_xlsx(target, data)
    except ValueError as err:
        raise click.ClickException(str(err)) from None
    except OSError as err:
        raise click.ClickException(f"Kunde inte skriva {target}: {os_reason(err)}.") from None
    click.echo(f"Skrev {target}.")


def _date_or_last_utfall(data, date):
    """The date `--per` named (None: not given), or the ledger's last utfall."""
    if date is not None:
        return date
    span = data.utfall_span()
    if span is None:
        raise click.ClickException("Liggaren har inget utfall.")
    return span[1]


class NamndbokGroup(click.Group):
    """Our commands, with click's own words in Swedish; a ledger another command writes to right now is said in Swedish."""

    def main(self, *args, **kwargs):
        with click_svenska.swedish():  # at the start of a run, not at import
            click_svenska.localize(self)
            return super().main(*args, **kwargs)

    def invoke(self, ctx):
        from namndbok.journal import BusyError

        try:
            return super().invoke(ctx)
        except BusyError as err:
            raise click.ClickException(str(err)) from None


@click.group(cls=NamndbokGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Nämndbok – nämndens ekonomi som ren text: utfall, budget, prognos och avvikelse."""


@main.command()
@ledger_parameters(writes=False, or_kommun=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Adress att lyssna på.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port att lyssna på (1–65535).")
@click.option("--skrivskyddad", is_flag=True, help="Stäng av all redigering i Fava.")
@click.option("--tillat-vard", "extra_hosts", multiple=True, metavar="NAMN",
              help="Ett namn till som Fava svarar på, t.ex. det en omvänd proxy skickar som Host "
                   "(ekonomi.kommun.se eller ekonomi.kommun.se:8443). Kan anges flera gånger.")
@click.option("--kommun-katalog", "kommun_katalog", metavar="KATALOG", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Hela kommunen i KATALOG: varje nämnds liggare och finansförvaltningens, med sidan Kommun.")
def fava(ledger: Path | None, host: str, port: int, skrivskyddad: bool, extra_hosts: tuple[str, ...],
         kommun_katalog: Path | None) -> None:
    """Visa liggaren i Fava (standard: huvudliggaren i mappen, annars exempelnämnden); med --kommun-katalog hela kommunen."""
    from namndbok.scripts.fava_server import serve

    if kommun_katalog is not None:
        from namndbok.kommun_folder import KommunError, read_kommun_folder

        try:
            found = read_kommun_folder(kommun_katalog)
        except KommunError as err:
            raise click.ClickException(str(err)) from None
        ledger = [item.ledger for item in (*found.namnder, *([found.finans] if found.finans else []))]
    serve(ledger, host, port, skrivskyddad, extra_hosts)


@main.command()
@ledger_parameters(writes=False)
def kontrollera(ledger: Path) -> None:
    """Läs liggaren genom Beancount och lista alla fel med fil och rad."""
    from beancount.parser import printer

    from namndbok.loading import fault_count, faults, load

    from namndbok.accounts import Roots
    from namndbok.ledgerfile import explain_error

    entries, errors, options_map = load(ledger)
    roots = Roots.from_options(options_map)
    for error in errors:
        error = error._replace(message=explain_error(error.message, roots))
        click.echo(printer.format_error(error).rstrip(), err=True)
    summary = f"{ledger}: {len(entries)} poster, {fault_count(errors)}"
    note = _lock_history_note(ledger)
    if note:
        click.echo(note, err=True)
    if faults(errors):
        raise click.ClickException(summary + ".")
    click.echo(summary + ".")


@main.command()
@click.argument("rev1", required=False, default="HEAD", metavar="[REV1]")
@click.argument("rev2", required=False, metavar="[REV2]")
@ledger_parameters(writes=False)
@click.option("--grupp", type=click.Choice(["verksamhet", "ansvar", "radgrupp"]), default="verksamhet", show_default=True,
              help="Vad raderna är per.")
@click.option("--koat", "staged", is_flag=True,
              help="Jämför REV1 med det köade i git (git add), det nästa commit får, i stället för arbetskopian.")
@unit_options(unit="kr", decimals=2)
@format_option
def andringar(rev1: str, rev2: str | None, ledger: Path, grupp: str, staged: bool, enhet: str, decimaler: int,
              fmt: str) -> None:
    """Ändringar i siffror mellan två versioner i git (standard: senaste commit mot arbetskopian). Se docs/andringar.md."""
    from namndbok.git_work import INDEX, RevisionError
    from namndbok.scripts.andringar import NO_CHANGES, compare, figure_table, item_table
    from namndbok.scripts.tables import show

    if staged and rev2 is not None:
        raise click.UsageError("Ange antingen REV2 eller --koat, inte båda.")
    for given in (rev1, rev2):
        if given and given.endswith(".beancount"):
            raise click.UsageError(f"'{given}' är en liggare, ingen revision: ange den med -f {given} "
                                   "(eller efter REV1 och REV2).")
    try:
        compared = compare(ledger, rev1, INDEX if staged else rev2, grupp)
    except RevisionError as err:
        raise click.ClickException(str(err)) from None
    found = compared.changes
    if found.figures:
        show(figure_table(compared, enhet, decimaler), fmt)
    else:
        click.echo(f"{compared.title}\n{NO_CHANGES}")
    if found.items:
        show(item_table(compared), fmt)


def _lock_history_note(ledger: Path) -> str | None:
    """What could not be checked about the ledger's locks (no git history), when it has any."""
    from namndbok.las import lock_files_on_disk
    from namndbok.las.history import lock_history

    if not lock_files_on_disk(ledger.parent):
        return None
    return lock_history(ledger).note


@main.command()
@ledger_parameters(writes=False)
@click.option("--per", "date", type=PERIOD, required=True, help="Rapportdatum: ÅÅÅÅ-MM (månadens sista dag) eller ÅÅÅÅ-MM-DD.")
@click.option("--grupp", "groups", multiple=True, default=("radgrupp",), show_default=True,
              type=click.Choice(["nämnd", "radgrupp", "verksamhet", "konto", "ansvar", "typ"]),
              help="Gruppering (kan upprepas: --grupp radgrupp --grupp verksamhet).")
@click.option("--urval", type=click.Choice(["netto", "resultat"]), default="netto", show_default=True,
              help="netto = intäkter och kostnader; resultat = även kommunbidrag.")
@unit_options
@click.option("--budgetversion", default=None, help="Jämför mot budgeten som den var efter detta beslut.")
@format_option
def uppfoljning(ledger, date, groups, urval, enhet, decimaler, budgetversion, fmt) -> None:
    """Utfall, budget, prognos och avvikelse per rapportdatum."""

    from namndbok.engine import compute
    from namndbok.scripts.tables import show
    from namndbok.scripts.uppfoljning import KIND_CHOICES, TOTAL_LABELS, text_table

    options, data, entries = _read_clean(ledger)
    if budgetversion is not None and budgetversion not in {d.name for d in data.decisions}:  # '' too
        raise click.ClickException(f"Budgetbeslutet '{budgetversion}' finns inte i liggaren.")
    table = compute(data, date, group_by=groups, kinds=KIND_CHOICES[urval], budget_version=budgetversion)
    title = f"{options['title']} – uppföljning per {date}"
    if table.uppfoljning:
        title += f" (prognos från {table.uppfoljning})"
    show(text_table(table, enhet, decimaler, title, TOTAL_LABELS[urval]), fmt)


@main.command()
@click.argument("year", metavar="ÅR", type=int)
@ledger_parameters(writes=True)
@format_option
def bokslut(year: int, ledger: Path, fmt: str) -> None:
    """Stäng året: kontrollera det, skriv bokslutet och visa eget kapital."""
    from namndbok.bokslut import CloseError, close_year
    from namndbok.scripts.tables import show, year_table

    try:
        result = close_year(ledger, year)
    except CloseError as err:
        raise click.ClickException(str(err)) from None
    said = (f"Bokslutet för {year} är skrivet: {shown(result.path)}" if result.changed
            else f"Bokslutet för {year} var redan gjort och stämmer; inget ändrat ({shown(result.path)}).")
    click.echo(said, err=fmt != "terminal")  # CSV and Markdown stay the table alone
    show(year_table(result.table, f"Eget kapital (ackumulerat resultat), mnkr – bokslut {year}"), fmt)


@main.command("import")
@click.argument("export", metavar="FIL", type=click.Path(dir_okay=False, path_type=Path))
@ledger_parameters(writes=True)
@click.option("--format", "kind", type=click.Choice(["sie", "huvudbok"]), default=None,
              help="Exportens format (standard: känns igen på innehållet).")
@click.option("--lage", "mode", type=click.Choice(["summerad", "detaljerad"]), default="summerad", show_default=True,
              help="summerad = en post per månad med en rad per konto och dimensioner; detaljerad = en post per verifikation.")
@click.option("--torrkorning", is_flag=True, help="Visa vad som skulle läggas till, utan att skriva.")
@click.option("--godta-fel-ksumma", "accept_bad_checksum", is_flag=True,
              help="Läs in en SIE-fil vars #KSUMMA inte stämmer (filen kan vara skadad; jämför den först med ekonomisystemet).")
@click.option("--brutet-rakenskapsar", "accept_fiscal_year", is_flag=True,
              help="Läs in en SIE-fil vars räkenskapsår (#RAR 0) inte är ett kalenderår, varje belopp i sin egen månad.")
def import_(export: Path, ledger: Path, kind: str | None, mode: str, torrkorning: bool, accept_bad_checksum: bool,
            accept_fiscal_year: bool) -> None:
    """Läs in en export (SIE 4 eller huvudbok CSV/XLSX) i liggaren."""
    from namndbok.scripts.importing import run

    run(export, ledger, kind, mode, torrkorning, accept_bad_checksum, accept_fiscal_year)


@main.command("import-budget")
@click.argument("workbook", metavar="FIL", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@ledger_parameters(writes=True)
@click.option("--namn", required=True, help='Beslutets namn, t.ex. "Internbudget 2027".')
@click.option("--beslut", "reference", required=True, help='Beslutsreferensen, t.ex. "SN 2026-12-10 §150".')
@click.option("--typ", default="internbudget", show_default=True,
              type=click.Choice(["kf-budget", "internbudget", "tilläggsbudget", "omfördelning", "kommunbidrag", "resultatreglering"]))
@click.option("--ar", "year", type=int, required=True, help="Budgetåret.")
@click.option("--datum", "date", default=None, help="Beslutsdatum ÅÅÅÅ-MM-DD (standard: i dag).")
@click.option("--ersatter", default=None, help="Namnet på den version beslutet ersätter helt.")
@click.option("--blad", default=None, help="Arbetsbokens blad (standard: det första).")
def import_budget(workbook, ledger, namn, reference, typ, year, date, ersatter, blad) -> None:
    """Läs in en budgetarbetsbok (XLSX/CSV) eller en SIE-fils #PBUDGET som ett budgetbeslut."""
    import datetime

    from namndbok.importers.budgetbok.writer import BudgetDecisionInput, import_budget as run
    from namndbok.importers.model import SourceError

    try:
        decided = datetime.date.fromisoformat(date) if date else datetime.date.today()
    except ValueError:
        raise click.BadParameter(f"'{date}' är inget datum; skriv ÅÅÅÅ-MM-DD.") from None
    decision = BudgetDecisionInput(namn, typ, reference, year, decided, ersatter)
    try:
        written, rows, warnings, readings = run(ledger, workbook, decision, blad)
    except SourceError as err:
        raise click.ClickException(str(err)) from None
    for reading in readings:
        click.echo(reading)
    if not written:
        click.echo(f"Budgetbeslutet '{namn}' finns redan med samma {rows} rader; inget ändrat.")
        return
    click.echo(f"Budgetbeslutet '{namn}' ({reference}) är inläst: {rows} rader i {year}/budget.beancount.")
    for warning in warnings:
        click.secho(warning, fg="yellow")


@main.command("import-volymer")
@click.argument("export", metavar="FIL", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@ledger_parameters(writes=True)
@click.option("--ar", "year", type=int, default=None, help="Året, när månaderna står som Jan … Dec.")
@click.option("--blad", default=None, help="Arbetsbokens blad (standard: det första).")
def import_volymer(export, ledger, year, blad) -> None:
    """Läs in en volymlista (vårddygn, vårdtagare … per verksamhet och månad)."""
    from namndbok.importers.model import SourceError
    from namndbok.importers.volymer.writer import import_volumes

    try:
        added, same = import_volumes(ledger, export, year, blad)
    except SourceError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"{added} nya volymer inlästa" + (f"; {same} fanns redan." if same else "."))


@main.command("kontoplan")
@click.argument("export", metavar="FIL.se", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--namnd", default="Nämnden", show_default=True, help="Nämndens namn (kontonamnets andra led).")
@click.option("--verksamhet", "verksamhet_dim", default=None,
              help="SIE-dimensionen som bär verksamhet, eller 'ingen' (allt på verksamhet 000 Hela nämnden). "
                   "Standard: 20 när filen har den; har filen andra dimensioner listas de.")
@click.option("--ansvar", "ansvar_dim", default="1", show_default=True, help="SIE-dimensionen som bär ansvar (eller 'ingen').")
@click.option("--ut", "target", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Skriv utkastet hit (annars till terminalen), och import.toml bredvid om den saknas; "
                   "en befintlig fil skrivs inte över.")
def kontoplan(export: Path, namnd: str, verksamhet_dim: str | None, ansvar_dim: str, target: Path | None) -> None:
    """Gör ett utkast till kontoplan.toml ur en SIE-export, att granska före första importen."""
    from namndbok.importers.model import SourceError
    from namndbok.importers.sie.kontoplan import ChoiceNeeded, draft_kontoplan
    from namndbok.importers.sie.parser import parse_sie
    from namndbok.scripts.kontoplan_draft import write_draft

    try:
        sie = parse_sie(export.read_bytes(), str(export))
        draft = draft_kontoplan(sie, namnd, verksamhet_dim, ansvar_dim)
    except SourceError as err:
        raise click.ClickException(str(err)) from None
    except ChoiceNeeded as err:
        raise click.ClickException(str(err)) from None
    if target is None:
        click.echo(draft.kontoplan, nl=False)
        for note in draft.notes:
            click.echo(note, err=True)
        click.echo("import.toml bredvid liggaren ska ha:\n" + draft.import_toml, err=True, nl=False)
        return
    for line in write_draft(draft, target):
        click.echo(line)


@main.command("ny")
@click.argument("folder", metavar="KATALOG")  # a str: "" and a NUL byte get our own answer
@click.option("--fran", "export", metavar="FIL.se", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Gör kontoplan.toml och import.toml ur den här SIE-exporten (annars ett skelett att fylla i).")
@click.option("--namnd", default=None, help="Nämndens namn (liggarens titel och kontonamnets andra led). Standard: mappens namn.")
@click.option("--verksamhet", "verksamhet_dim", default=None,
              help="SIE-dimensionen som bär verksamhet, eller 'ingen'. Standard: 20 när filen har den; annars frågas du "
                   "(eller, utan terminal, listas filens dimensioner).")
@click.option("--ansvar", "ansvar_dim", default="1", show_default=True, help="SIE-dimensionen som bär ansvar (eller 'ingen').")
def ny(folder: str, export: Path | None, namnd: str | None, verksamhet_dim: str | None, ansvar_dim: str) -> None:
    """Starta en ny nämnd: liggarens mapp med huvudfil, kontoplan, inställningar, layouter och git."""
    import sys

    import shlex

    from namndbok.new_committee import (IMPORT_SKELETON, NewCommitteeError, committee_files, create_committee, default_name,
                                        kontoplan_skeleton, refuse_unusable, standard_layouts)

    if not folder.strip() or "\x00" in folder:
        raise click.BadParameter(f"{folder!r} är ingen mapp; ange mappen för nämnden, t.ex. socialnamnden.",
                                 param_hint="KATALOG")
    folder = absolute(folder)  # `.` too has a name
    namn = namnd or default_name(folder)
    try:
        refuse_unusable(folder)  # before any question about the SIE file
    except NewCommitteeError as err:
        raise click.ClickException(str(err)) from None
    if export is None:
        kontoplan_text, import_text, notes = kontoplan_skeleton(namn), IMPORT_SKELETON, [
            "Utan --fran är kontoplan.toml ett skelett: fyll i verksamheter och konton (eller gör ett utkast med "
            "`namndbok kontoplan FIL.se --ut kontoplan.toml`) och granska [sie] i import.toml före första importen."]
    else:
        draft = _sie_draft(export, namn, verksamhet_dim, ansvar_dim, sys.stdin.isatty())
        kontoplan_text, import_text, notes = draft.kontoplan, draft.import_toml, [
            "kontoplan.toml är ett utkast: granska radgrupper och kontotyper innan du importerar.", *draft.notes]
    files = committee_files(folder, namn, kontoplan_text, import_text, standard_layouts(EXAMPLE_DIR))
    try:
        created = create_committee(folder, files, [sys.executable, "-m", "namndbok.scripts.cli"])
    except NewCommitteeError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"Nämnden är skapad i {shown(created.folder)}: huvudfil {shown(created.main)}, {len(created.files)} filer.")
    for note in [*notes, *created.notes]:
        click.echo(note)
    go = "" if created.folder == absolute(Path.cwd()) else f"cd {shlex.quote(shown(created.folder))} && "
    click.echo(f"Nästa steg: {go}namndbok import FIL.se")


def _sie_draft(export: Path, namn: str, verksamhet_dim: str | None, ansvar_dim: str, ask: bool):
    """The kontoplan draft of `export`; which dimension carries verksamhet is asked when the file
    leaves it open and a person sits at the terminal, else the refusal lists the dimensions."""
    from namndbok.importers.model import SourceError
    from namndbok.importers.sie.kontoplan import ChoiceNeeded, draft_kontoplan
    from namndbok.importers.sie.parser import parse_sie

    try:
        sie = parse_sie(export.read_bytes(), str(absolute(export)))  # named in the folder's files: from anywhere
        try:
            return draft_kontoplan(sie, namn, verksamhet_dim, ansvar_dim)
        except ChoiceNeeded as err:
            if not ask:
                raise
            click.echo(str(err), err=True)
            chosen = click.prompt("Dimension för verksamhet (nummer eller 'ingen')", err=True)
            return draft_kontoplan(sie, namn, chosen.strip(), ansvar_dim)
    except (SourceError, ChoiceNeeded) as err:
        raise click.ClickException(str(err)) from None


@main.command("export-fakta")
@ledger_parameters(writes=False, or_kommun=True)
@click.option("--till", "target", required=True, type=click.Path(path_type=Path),
              help="FIL.parquet (en fil) eller en katalog (kommun=…/ar=…/fakta.parquet).")
@click.option("--per", "date", type=PERIOD, default=None, help="Datum: ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD (standard: liggarens sista utfall).")
@click.option("--kommun", default=None, help="Kommunens kod eller namn i exporten (standard: liggarens titel; "
              "med --kommun-katalog kommunens namn).")
@click.option("--kommun-katalog", "kommun_katalog", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=KOMMUN_KATALOG_HELP + " Skriver en datamängd kommun=…/namnd=…/ar=…/fakta.parquet under --till.")
def export_fakta(ledger, target: Path, date, kommun, kommun_katalog) -> None:
    """Utfall, budget, prognos och volymer som fakta i Parquet, för DuckDB, Spark eller Trino."""

    from namndbok.nyckeltal import parse_volumes
    from namndbok.swedish import format_number
    from namndbok.fileio import os_reason
    from namndbok.export.fakta import ExportError, KommunLedger, export, export_kommun

    if kommun_katalog is not None:
        folder, read = _read_kommun(kommun_katalog)
        ledgers = []
        for _, item in read:
            try:
                at = _date_or_last_utfall(item.data, date)
            except click.ClickException as err:
                raise click.ClickException(f"{shown(item.ledger)}: {err.message}") from None
            ledgers.append(KommunLedger(shown(item.ledger), item.data,
                                        parse_volumes(item.entries, item.data.roots, item.data.kontoplaner)[0], at))
        name = kommun or folder.namn
        try:
            result = export_kommun(ledgers, name, target)
        except ExportError as err:
            raise click.ClickException(str(err)) from None
        except OSError as err:
            raise click.ClickException(f"Kunde inte skriva {target}: {os_reason(err)}.") from None
        when = f"per {date}" if date else "per varje liggares sista utfall"
        click.echo(f"{format_number(result.rows, 0)} fakta {when} från {len(ledgers)} liggare till "
                   f"{target / f'kommun={name}'} ({len(result.files)} filer).")
        return
    options, data, entries = _read_clean(ledger)
    date = _date_or_last_utfall(data, date)
    volumes, _ = parse_volumes(entries, data.roots, data.kontoplaner)
    try:
        result = export(data, volumes, date, kommun or options.get("title") or ledger.stem, target)
    except ExportError as err:
        raise click.ClickException(str(err)) from None
    except OSError as err:
        raise click.ClickException(f"Kunde inte skriva {target}: {os_reason(err)}.") from None
    status = f"{result.written} av {len(result.files)} filer skrivna" if result.written else "inget ändrat"
    click.echo(f"{format_number(result.rows, 0)} fakta per {date} till {target} ({status}).")


@main.command()
@click.argument("layout", metavar="LAYOUT", type=click.Path(dir_okay=False, path_type=Path))
@ledger_parameters(writes=False)
@click.option("--per", "date", type=PERIOD, required=True, help="Rapportdatum: ÅÅÅÅ-MM (månadens sista dag) eller ÅÅÅÅ-MM-DD.")
@click.option("--format", "fmt", type=click.Choice(["terminal", "markdown", "csv", "xlsx"]), default="terminal", show_default=True)
@click.option("--ut", "target", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Skriv till filen (krävs för xlsx).")
def rapport(layout: Path, ledger: Path, date, fmt: str, target: Path | None) -> None:
    """En tabell enligt en layout (layouter/*.toml), t.ex. driftredovisningen."""
    from namndbok.layout import LayoutError, find_layout, load_layout
    from namndbok.report import build_report
    from namndbok.scripts.rapport import write

    try:
        layout = find_layout(layout, ledger)
    except LayoutError as err:
        raise click.ClickException(str(err)) from None
    options, data, entries = _read_clean(ledger)
    plan = next(iter(data.kontoplaner.values()), None)
    try:
        report = build_report(load_layout(layout, plan), data, date)
        text = write(report, fmt, target)
    except (LayoutError, ValueError) as err:
        raise click.ClickException(str(err)) from None
    if text is not None:
        click.echo(text, nl=False)
    elif target is not None:
        click.echo(f"Skrev {target}.")


@main.group()
def layout() -> None:
    """Nämndens layouter (layouter/*.toml bredvid liggaren): lista dem eller visa en. Se docs/layouter.md."""


@layout.command("lista")
@ledger_parameters(writes=False)
def layout_lista(ledger: Path) -> None:
    """Layouterna bredvid liggaren, med namn, enhet och storlek; en layout med fel visas med felet."""
    from namndbok.layout import LayoutError, layout_folder, layout_names, load_layout
    from namndbok.scripts.rapport import summary_line

    names = layout_names(ledger)
    if not names:
        raise click.ClickException(f"{layout_folder(ledger)} har ingen layout (NAMN.toml); se docs/layouter.md.")
    _, data, _ = _read_clean(ledger)
    plan = next(iter(data.kontoplaner.values()), None)
    wrong = 0
    for name in names:
        try:
            click.echo(f"{name}: {summary_line(load_layout(layout_folder(ledger) / f'{name}.toml', plan))}")
        except LayoutError as err:
            wrong += 1
            click.echo(f"{name}: FEL {err}")
    if wrong:
        raise click.ClickException(f"{wrong} av {len(names)} layouter har fel; rätta dem (se docs/layouter.md).")


@layout.command("visa")
@click.argument("name", metavar="NAMN")
@ledger_parameters(writes=False)
def layout_visa(name: str, ledger: Path) -> None:
    """En layout: dess kolumner (rubrik och mått) och rader (vad de räknar)."""
    from namndbok.layout import LayoutError, find_layout, load_layout
    from namndbok.scripts.rapport import describe

    _, data, _ = _read_clean(ledger)
    plan = next(iter(data.kontoplaner.values()), None)
    try:
        shown_layout = load_layout(find_layout(name, ledger), plan)
    except LayoutError as err:
        raise click.ClickException(str(err)) from None
    click.echo("\n".join(describe(shown_layout)))


@main.command()
@ledger_parameters(writes=False)
@click.option("--per", "date", type=PERIOD, required=True, help="Rapportdatum: ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD.")
@click.option("--grupp", "dimension", type=click.Choice(["verksamhet", "ansvar", "radgrupp"]), default="verksamhet", show_default=True)
@click.option("--troskel", type=MNKR, default="0,5", show_default=True,
              help="Visa avvikelser på minst så många mnkr (0,5 eller 0.5).")
def avvikelser(ledger, date, dimension, troskel) -> None:
    """Avvikelselistan: helårsavvikelse per enhet, mot förra uppföljningen, med kommentar."""
    from namndbok.avvikelser import CommentError, comments_for, deviations, format_deviation
    from namndbok.engine import compute

    _, data, _ = _read_clean(ledger)
    try:
        comments = comments_for(ledger.parent, date, dimension)
    except CommentError as err:
        raise click.ClickException(str(err)) from None
    found = deviations(data, date, dimension, troskel * 1_000_000, comments)
    previous = compute(data, date).foregaende_uppfoljning
    if not found:
        click.echo(f"Ingen avvikelse på minst {shown_number(troskel)} mnkr per {date}.")
    for deviation in found:
        click.echo(f"- {format_deviation(deviation, previous)}")


@main.command("period-close")
@click.argument("date", metavar="ÅÅÅÅ-MM", type=PERIOD)
@ledger_parameters(writes=True, or_kommun=True)
@click.option("--las", "lock", is_flag=True, help="Lås perioden (1 januari t.o.m. periodens sista dag, t.ex. delår 2026-08): "
              "nya eller ändrade poster i den vägras sedan; en rättelse är en ny post i en öppen period med korrigering: \"beslutsreferens\".")
@click.option("--utan-pdf", "no_pdf", is_flag=True, help="Skriv inte rapport.pdf (PDF:en kräver Chromium).")
@click.option("--kommun-katalog", "kommun_katalog", metavar="KATALOG", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Hela kommunen i KATALOG: varje nämnds rapportpaket och kommunens tabell i KATALOG/rapporter/ÅÅÅÅ-MM/.")
def period_close(date, ledger: Path | None, lock: bool, no_pdf: bool, kommun_katalog: Path | None) -> None:
    """Kontrollera perioden och skriv hela rapportpaketet till rapporter/ÅÅÅÅ-MM/; med --las låses perioden."""
    if kommun_katalog is not None:
        _period_close_kommun(kommun_katalog, date, lock, no_pdf)
        return
    from namndbok.avvikelser import CommentError
    from namndbok.layout import LayoutError
    from namndbok.nyckeltal import NyckeltalError
    from namndbok.period_close import PeriodError, close_period
    from namndbok.las.write import LockError
    from namndbok.rapportpaket import ReportSetError

    try:
        written, locked = close_period(ledger, date, pdf=not no_pdf, lock=lock)
    except (PeriodError, LayoutError, NyckeltalError, CommentError, ReportSetError) as err:
        raise click.ClickException(f"Perioden {date:%Y-%m} kan inte stängas: {err}") from None
    except LockError as err:
        raise click.ClickException(f"Perioden {date:%Y-%m} kunde inte låsas: {err}") from None
    click.echo(f"{len(written.files)} filer i {shown(written.folder)} ({len(written.changed)} ändrade).")
    if locked is not None:
        state = "nu låst" if locked.changed else "redan låst; inget ändrat"
        click.echo(f"Perioden {locked.start} – {locked.end} är {state} (fingeravtryck i {shown(locked.path)}).")
    if written.pdf_error:
        raise click.ClickException(f"{written.pdf_error} Med --utan-pdf hoppas PDF:en över.")


def _period_close_kommun(folder: Path, date, lock: bool, no_pdf: bool) -> None:
    """`period-close ÅÅÅÅ-MM --kommun-katalog KATALOG`: every nämnd's set and the kommun's (namndbok.kommun_close)."""
    from namndbok.kommun_close import close_kommun
    from namndbok.kommun_folder import KommunError

    if lock:
        raise click.UsageError("--las gäller en nämnd i taget: lås varje nämnds period med "
                               "`namndbok period-close ÅÅÅÅ-MM --las` i nämndens mapp.")
    try:
        done = close_kommun(folder, date, pdf=not no_pdf)
    except KommunError as err:
        raise click.ClickException(f"Perioden {date:%Y-%m} kan inte stängas för kommunen: {err}") from None
    for written in (*done.namnder, done.kommun):
        click.echo(f"{len(written.files)} filer i {shown(written.folder)} ({len(written.changed)} ändrade).")
    for warning in done.warnings:
        click.echo(warning, err=True)
    failed = [w.pdf_error for w in (*done.namnder, done.kommun) if w.pdf_error]
    if failed:
        raise click.ClickException(f"{failed[0]} Med --utan-pdf hoppas PDF:en över.")


@main.command()
@ledger_parameters(writes=False)
@click.option("--per", "date", type=PERIOD, required=True, help="Rapportdatum: ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD (perioden är året fram till dess).")
@format_option
def nyckeltal(ledger, date, fmt) -> None:
    """Nyckeltal ur nyckeltal.toml: kostnad per vårddygn, per vårdtagare … med volym- och priseffekt."""
    from namndbok.ledgerdata import NO_KONTOPLAN
    from namndbok.nyckeltal import NyckeltalError, compute_nyckeltal, load_specs, parse_volumes
    from namndbok.scripts.nyckeltal import text_table, to_csv, to_markdown
    from namndbok.scripts.tables import show

    options, data, entries = _read_clean(ledger)
    plan = next(iter(data.kontoplaner.values()), None)
    if plan is None:
        raise click.ClickException(f"{shown(ledger)}: {NO_KONTOPLAN.format('nyckeltalen')}")
    path = ledger.parent / "nyckeltal.toml"
    if not path.exists():
        raise click.ClickException(f"{path} finns inte; den anger vilka nyckeltal nämnden följer (se README).")
    try:
        specs = load_specs(path, plan)
    except NyckeltalError as err:
        raise click.ClickException(str(err)) from None
    volumes, _ = parse_volumes(entries, data.roots, data.kontoplaner)
    results = [compute_nyckeltal(data, volumes, spec, date) for spec in specs]
    title = f"Nyckeltal {date.year} t.o.m. {date}"
    if fmt == "csv":
        click.echo(to_csv(results), nl=False)
    elif fmt == "markdown":
        click.echo(to_markdown(results, title), nl=False)
    else:
        show(text_table(results, title))


@main.command()
@ledger_parameters(writes=False)
@click.option("--ar", "year", type=int, default=None, help="Budgetåret (standard: året för liggarens sista utfall).")
@unit_options
@format_option
def budgetbeslut(ledger, year, enhet, decimaler, fmt) -> None:
    """Årets budgetbeslut och förändringar av kommunbidraget: datum, typ, referens, belopp och delar."""
    from namndbok.budget_decisions import part_faults, proposal_note, year_decisions, year_proposals
    from namndbok.scripts.budgetbeslut import text_table
    from namndbok.scripts.tables import show

    options, data, _ = _read_clean(ledger)
    if year is None:
        year = _date_or_last_utfall(data, None).year
    wrong = part_faults([line for line in data.budget_lines if line.date.year == year])
    if wrong:
        raise click.ClickException("\n".join(wrong))
    rows, proposals = year_decisions(data, year), year_proposals(data, year)
    if not rows and not proposals:
        raise click.ClickException(f"{shown(ledger)}: liggaren har inga budgetbeslut med budgetrader för {year}.")
    show(text_table(rows, f"{options['title']} – budgetbeslut {year}, {enhet}", enhet, decimaler, proposals), fmt)
    for row in proposals:
        click.echo(proposal_note(row, year), err=True)


@main.command()
@ledger_parameters(writes=False)
@click.option("--per", "date", type=PERIOD, default=None, help="Datum: ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD (standard: liggarens sista utfall).")
@unit_options
@format_option
def investeringar(ledger, date, enhet, decimaler, fmt) -> None:
    """Investeringar: utgifter, inkomster och netto – budget, utfall och prognos."""
    from namndbok.investeringar import investment_rows
    from namndbok.scripts.investeringar import text_table
    from namndbok.scripts.tables import show

    options, data, _ = _read_clean(ledger)
    date = _date_or_last_utfall(data, date)
    rows = investment_rows(data, date)
    if all(row.measures is None for row in rows):
        raise click.ClickException(f"{shown(ledger)}: inga investeringar {date.year} (konton med investering = true i "
                                   "kontoplanen, med utfall, budget eller prognos).")
    show(text_table(rows, date, f"{options['title']} – investeringar per {date}, {enhet}", enhet, decimaler), fmt)


@main.group()
def budget() -> None:
    """Budgetarbetet: nästa års ram och planåren (budget/ÅR.toml bredvid liggaren). Se docs/budgetarbete.md."""


@budget.command("ram")
@click.argument("year", metavar="ÅR", type=click.IntRange(1900, 2999))
@ledger_parameters(writes=False)
@click.option("--planar", "plan_years", type=click.IntRange(0, 10), default=2, show_default=True,
              help="Antal planår efter budgetåret.")
@click.option("--antaganden", "assumptions", metavar="FIL", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Antagandefilen (standard: budget/ÅR.toml bredvid liggaren).")
@click.option("--antagande", "overrides", metavar="NAMN=VÄRDE", multiple=True,
              help="Vad händer om: ett ändrat antagande, t.ex. löneökning=3,5 eller 2028:generell=2 (kan upprepas); "
                   "tabellen visar skillnaden mot filen. Inget skrivs.")
@unit_options(unit=None, decimals=0, unit_help=" Standard: antagandefilens enhet.")
@click.option("--format", "fmt", type=click.Choice(["terminal", "markdown", "csv", "xlsx"]), default="terminal",
              show_default=True, help="terminal, markdown, csv (som svenska Excel läser) eller xlsx (kräver --ut).")
@click.option("--ut", "target", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Skriv XLSX-filen hit (bara med --format xlsx).")
def budget_ram(year, ledger, plan_years, assumptions, overrides, enhet, decimaler, fmt, target) -> None:
    """Ramberäkningen för ÅR och planåren: ram året före, uppräkning, volymer, beslutade förändringar, summa."""
    from namndbok.fileio import shown_in
    from namndbok.ram_ledger import ram_for
    from namndbok.ramberakning import RamError, apply_assumptions, assumptions_path, parse_assumptions, parse_override
    from namndbok.scripts.budget import text_table, xlsx_bytes
    from namndbok.scripts.tables import show

    if target is not None and fmt != "xlsx":
        raise click.ClickException("--ut gäller bara --format xlsx; de andra formaten skrivs ut (styr dem till en fil med >).")
    try:
        changes = [parse_override(text) for text in overrides]
    except ValueError as err:
        raise click.ClickException(f"--antagande {err}") from None
    options, data, _ = _read_clean(ledger)
    years = tuple(range(year, year + plan_years + 1))
    try:
        parsed = parse_assumptions(shown(assumptions or assumptions_path(ledger, year)))
        table = ram_for(data, parsed, year, plan_years)
        old, notes = None, list(table.notes)
        if changes:
            changed, override_notes = apply_assumptions(parsed, changes, years)
            old, table = table, ram_for(data, changed, year, plan_years)
            notes = list(table.notes) + override_notes
    except RamError as err:
        raise click.ClickException(str(err)) from None
    except ValueError as err:
        raise click.ClickException(f"--antagande {err}") from None
    unit = enhet or table.enhet
    what_if = " – vad händer om " + ", ".join(overrides) if overrides else ""
    title = f"{options['title']} – ramberäkning {years[0]}–{years[-1]}, {unit}{what_if}"
    if fmt == "xlsx":
        _write_xlsx(target, xlsx_bytes(table, title, unit, decimaler, old))
    else:
        show(text_table(table, title, unit, decimaler, old), fmt)
    for note in notes:
        click.echo(shown_in(note), err=True)


@budget.command("fordela")
@click.argument("year", metavar="ÅR", type=click.IntRange(1900, 2999))
@ledger_parameters(writes=True)
@click.option("--antaganden", "assumptions", metavar="FIL", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Antagandefilen med [fordelning] (standard: budget/ÅR.toml bredvid liggaren).")
@click.option("--namn", default=None, help='Beslutets namn (standard: "Internbudget ÅR").')
@click.option("--beslut", "reference", default=None,
              help='Gör förslaget till beslutad internbudget med denna referens, t.ex. "KF 2026-11-20 §150".')
@click.option("--datum", "date", default=None, help="Beslutsdatum ÅÅÅÅ-MM-DD med --beslut (standard: datumet i referensen).")
def budget_fordela(year, ledger, assumptions, namn, reference, date) -> None:
    """Internbudgeten: fördela ÅRs ram på verksamhet, konto och ansvar som ett förslag i liggaren (--beslut: beslutad)."""
    import datetime

    from namndbok.importers.model import SourceError
    from namndbok.ramberakning import RamError, assumptions_path
    from namndbok.scripts.budget_fordela import decide, decision_date, write_proposal
    from namndbok.swedish import format_amount

    name = namn or f"Internbudget {year}"
    today = datetime.date.today()
    try:
        given = datetime.date.fromisoformat(date) if date else None
    except ValueError:
        raise click.BadParameter(f"'{date}' är inget datum; skriv ÅÅÅÅ-MM-DD.", param_hint="--datum") from None
    if given is not None and reference is None:
        raise click.ClickException("--datum gäller beslutet; ange --beslut \"REFERENS\" med det.")
    for option, text in (("--namn", name), ("--beslut", reference)):
        if text is not None and (not text.strip() or '"' in text or "\n" in text):
            raise click.ClickException(f"{option} ska vara en text på en rad utan citattecken, t.ex. "
                                       + ('"Internbudget 2027".' if option == "--namn" else '"KF 2026-11-20 §150".'))
    try:
        if reference is not None:
            written, target = decide(ledger, year, name, reference, decision_date(reference, given, today))
            click.echo(f"'{name}' är beslutad ({reference}) i {shown(target)}." if written
                       else f"'{name}' är redan beslutad ({reference}); inget ändrat.")
            return
        outcome = write_proposal(ledger, year, shown(assumptions or assumptions_path(ledger, year)), name, today)
    except (SourceError, RamError) as err:
        raise click.ClickException(str(err)) from None
    ram = format_amount(outcome.ram, "kr", 0)
    if not outcome.written:
        click.echo(f"Förslaget '{name}' finns redan med samma {outcome.lines} rader (ram {ram} kr); inget ändrat.")
        return
    click.echo(f"Förslaget '{name}' (ram {ram} kr, {outcome.lines} budgetrader) är skrivet i {shown(outcome.target)}. "
               f"Granska det och besluta med --beslut \"REFERENS\"; uppföljningen använder det inte förrän dess.")


@main.group()
def prognos() -> None:
    """Prognosarbetet: förslag till helårsprognos, enhetschefernas prognos och vad som saknas. Se docs/prognos.md."""


@prognos.command("forslag")
@ledger_parameters(writes=False, writes_when="skriv")
@click.option("--per", "date", type=PERIOD, required=True, help="Månaden förslaget räknar utfallet till: ÅÅÅÅ-MM.")
@unit_options
@format_option
@click.option("--skriv", is_flag=True,
              help="Skriv förslaget som uppföljningens prognos för de verksamheter som ännu inte lämnat någon "
                   "(en lämnad prognos ersätts aldrig); en commit i git.")
@click.option("--verksamhet", "only", multiple=True, help="Med --skriv: bara denna verksamhet (kan upprepas).")
def prognos_forslag(ledger, date, enhet, decimaler, fmt, skriv, only) -> None:
    """Förslag till helårsprognos: utfall hittills och resten av året som i fjol (eller enligt budget), bredvid budget och senaste prognos."""
    from namndbok.ledgerdata import NO_KONTOPLAN
    from namndbok.nyckeltal import NyckeltalError, load_specs, parse_volumes
    from namndbok.prognos_forslag import ForslagError, check_date, suggest
    from namndbok.scripts.prognos_forslag import text_table
    from namndbok.scripts.tables import show

    try:
        check_date(date)
    except ForslagError as err:
        raise click.BadParameter(str(err), param_hint="'--per'") from None
    options, data, entries = _read_clean(ledger)
    plan = next(iter(data.kontoplaner.values()), None)
    if plan is None:
        raise click.ClickException(f"{shown(ledger)}: {NO_KONTOPLAN.format('förslaget')}")
    specs, volumes = [], []
    path = ledger.parent / "nyckeltal.toml"
    if path.exists():
        try:
            specs = load_specs(path, plan)
        except NyckeltalError as err:
            raise click.ClickException(str(err)) from None
        volumes = parse_volumes(entries, data.roots, data.kontoplaner)[0]
    table = suggest(data, date, volumes, specs)
    if not table.rows:
        raise click.ClickException(f"{shown(ledger)}: inget utfall, ingen budget och ingen prognos för intäkter "
                                   f"och kostnader {date.year}; inget att föreslå.")
    title = f"{options['title']} – förslag till prognos per {date}"
    if table.uppfoljning:
        title += f" (senaste prognos från {table.uppfoljning})"
    show(text_table(data, table, enhet, decimaler, f"{title}, {enhet}"), fmt)
    span = data.utfall_span()
    if span is not None and span[1] < date:
        click.echo(f"Obs: liggarens utfall går bara t.o.m. {span[1]}; förslaget tar utfallet t.o.m. {date} "
                   f"som det är bokfört nu.", err=True)
    if skriv:
        _write_suggestions(ledger, data, table, date, set(only))
    elif only:
        raise click.ClickException("--verksamhet gäller bara med --skriv.")


def _write_suggestions(ledger, data, table, date, only: set[str]) -> None:
    """`prognos forslag --skriv`: the suggestion as the follow-up's prognos where none is given yet."""
    from namndbok.importers.model import SourceError
    from namndbok.prognos_write import from_suggestions, submit_many

    submissions = from_suggestions(table.rows, data.prognos, data.refs, date, only)
    if not submissions:
        click.echo(f"Inget skrivet: alla verksamheter{' som valts' if only else ''} har redan en prognos för "
                   f"uppföljningen {date:%Y-%m}.")
        return
    names = ", ".join(s.verksamhet for s in submissions)
    try:
        outcomes = submit_many(ledger, submissions, f"Prognos {date:%Y-%m}: förslag för {names} (namndbok prognos forslag)")
    except SourceError as err:
        raise click.ClickException(str(err)) from None
    how_many = "1 verksamhet" if len(outcomes) == 1 else f"{len(outcomes)} verksamheter"
    click.echo(f"Förslaget är skrivet som prognos för {how_many} ({names}) i "
               f"{shown(outcomes[0].target)}. {outcomes[0].committed.note}")


from namndbok.scripts.prognos import add_commands as _prognos_commands  # noqa: E402 - needs ledger_parameters above

_prognos_commands(prognos, ledger_parameters)


@main.command("eget-kapital")
@ledger_parameters(writes=False)
@click.option("--per", "date", type=PERIOD, default=None, help="Datum: ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD (standard: liggarens sista utfall).")
@unit_options
@click.option("--beslut", "listing", is_flag=True,
              help="Visa besluten om eget kapital (med återbetalningsplanen år för år) i stället för tabellen.")
@format_option
def eget_kapital(ledger, date, enhet, decimaler, listing, fmt) -> None:
    """Eget kapital år för år: ingående, beslut, årets resultat, utgående (med budget och prognos)."""

    from namndbok.eget_kapital import roll_forward_table, table_date_refusal, table_years
    from namndbok.scripts.tables import show, year_table

    _, data, entries = _read_clean(ledger)
    if listing:
        from namndbok.eget_kapital import decision_listing, parse_decisions
        from namndbok.scripts.eget_kapital import decisions_table

        decisions = decision_listing(parse_decisions(entries, data.currency)[0])
        if not decisions:
            raise click.ClickException(f"{shown(ledger)}: liggaren har inga beslut om eget kapital (custom \"eget-kapital\").")
        show(decisions_table(decisions, "Fullmäktiges och nämndens beslut om eget kapital", enhet, decimaler), fmt)
        return
    date = _date_or_last_utfall(data, date)
    refusal = table_date_refusal(data, date)
    if refusal:
        raise click.ClickException(f"--per {refusal}")
    from namndbok.eget_kapital import PLAN_NOTE, parse_decisions, plan_years

    plan = plan_years(parse_decisions(entries, data.currency)[0], date)
    show(year_table(roll_forward_table(data, table_years(data, date), date, plan),
                    f"Eget kapital (ackumulerat resultat), {enhet} – per {date}", enhet, decimaler), fmt)
    if plan:
        click.echo(PLAN_NOTE, err=True)


@main.command()
@ledger_parameters(writes=False, or_kommun=True)
@click.option("--ar", "year", type=click.IntRange(1900, 2999), default=None,
              help="Det stängda året (standard: det senaste stängda året med prognoser).")
@click.option("--per-verksamhet", "per_verksamhet", is_flag=True,
              help="Avvikelsen i nettokostnad per verksamhet och uppföljning i stället för årets resultat.")
@unit_options
@click.option("--format", "fmt", type=click.Choice(["terminal", "markdown", "csv", "xlsx"]), default="terminal",
              show_default=True, help="terminal, markdown, csv (som svenska Excel läser) eller xlsx (kräver --ut).")
@click.option("--ut", "target", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Skriv XLSX-filen hit (bara med --format xlsx).")
@click.option("--kommun-katalog", "kommun_katalog", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=KOMMUN_KATALOG_HELP + " Ger tabellen per nämnd: budgetavvikelsen vid delårsrapporten (jan–aug) och vid bokslutet.")
def prognossakerhet(ledger, year, per_verksamhet, enhet, decimaler, fmt, target, kommun_katalog) -> None:
    """Prognossäkerhet: hur långt varje uppföljnings prognos låg från ett stängt års utfall."""
    from namndbok.export import prognossakerhet_files as files
    from namndbok.prognossakerhet import PrognossakerhetError, calculate_prognossakerhet, default_year
    from namndbok.scripts.tables import TextTable, show

    if target is not None and fmt != "xlsx":
        raise click.ClickException("--ut gäller bara --format xlsx; de andra formaten skrivs ut (styr dem till en fil med >).")
    if kommun_katalog is not None:
        _kommun_prognossakerhet(kommun_katalog, year, per_verksamhet, enhet, decimaler, fmt)
        return
    options, data, _ = _read_clean(ledger)
    try:
        accuracy = calculate_prognossakerhet(data, year or default_year(data), per_verksamhet)
    except PrognossakerhetError as err:
        raise click.ClickException(f"{shown(ledger)}: {err}") from None
    title = files.title(options["title"], accuracy, enhet)
    if per_verksamhet:
        title = title.replace("prognossäkerhet", "prognossäkerhet per verksamhet (nettokostnad)", 1)
    if fmt == "xlsx":
        _write_xlsx(target, files.to_xlsx(accuracy, title, enhet, decimaler, per_verksamhet))
    elif per_verksamhet:
        rows = files.verksamhet_rows(accuracy, enhet, decimaler)
        show(TextTable(title, files.verksamhet_headers(accuracy), rows, bold=frozenset({len(rows) - 1})), fmt)
    else:
        show(TextTable(title, files.HEADERS, files.rows(accuracy, enhet, decimaler), right=files.RIGHT), fmt)


def _kommun_prognossakerhet(folder: Path, year, per_verksamhet, enhet, decimaler, fmt) -> None:
    """`namndbok prognossakerhet --kommun-katalog KATALOG`: the table per nämnd."""
    from namndbok.export import prognossakerhet_files as files
    from namndbok.prognossakerhet import PrognossakerhetError, kommun_default_year, kommun_prognossakerhet
    from namndbok.scripts.tables import TextTable, show

    if per_verksamhet or fmt == "xlsx":
        raise click.ClickException("Med --kommun-katalog visas tabellen per nämnd: utan --per-verksamhet, "
                                   "och i formaten terminal, markdown eller csv.")
    kommun, read = _read_kommun(folder)
    ledgers = [(name, item.data, shown(item.ledger)) for name, item in read]
    try:
        accuracy = kommun_prognossakerhet(ledgers, year or kommun_default_year(ledgers))
    except PrognossakerhetError as err:
        raise click.ClickException(str(err)) from None
    rows = files.kommun_rows(accuracy, enhet, decimaler)
    show(TextTable(files.kommun_title(kommun.namn, accuracy, enhet), files.kommun_headers(accuracy), rows,
                   right=files.KOMMUN_RIGHT, bold=frozenset({len(rows) - 1})), fmt)


@main.command()
@click.argument("folder", metavar="[KATALOG]", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--per", "date", type=PERIOD, required=True, help="Rapportdatum: ÅÅÅÅ-MM (månadens sista dag) eller ÅÅÅÅ-MM-DD.")
@unit_options
@click.option("--format", "fmt", type=click.Choice(["terminal", "markdown", "csv", "xlsx"]), default="terminal",
              show_default=True, help="terminal, markdown, csv (som svenska Excel läser) eller xlsx (kräver --ut).")
@click.option("--ut", "target", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Skriv XLSX-filen hit (bara med --format xlsx).")
def kommun(folder: Path | None, date, enhet, decimaler, fmt, target) -> None:
    """Kommunens tabell: varje nämnds kommunbidrag, nettokostnad, budget, prognos, avvikelse och eget kapital,
    finansförvaltningen och kommunens årets resultat (KATALOG: kommunens mapp, standard: mappen du står i)."""
    from namndbok.export import kommun_files as files
    from namndbok.kommun import kommun_table, load_kommun
    from namndbok.kommun_folder import KommunError, read_kommun_folder
    from namndbok.scripts.tables import TextTable, show

    if target is not None and fmt != "xlsx":
        raise click.ClickException("--ut gäller bara --format xlsx; de andra formaten skrivs ut (styr dem till en fil med >).")
    try:
        found = read_kommun_folder(folder if folder is not None else Path.cwd())
        namnder, finans = load_kommun(found)
        table = kommun_table(found.namn, namnder, finans, date)
    except KommunError as err:
        raise click.ClickException(str(err)) from None
    if fmt == "xlsx":
        _write_xlsx(target, files.to_xlsx(table, enhet, decimaler))
    else:
        printed = files.rows(table, enhet, decimaler)
        show(TextTable(files.title(table, enhet), files.headers(table, enhet), [cells for cells, _ in printed],
                       bold=frozenset(i for i, (_, bold) in enumerate(printed) if bold)), fmt)
    for note in files.notes(table)[1:]:  # the first explains the table; the others (no finansförvaltning, warnings) matter
        click.echo(note, err=True)


@main.command()
@click.option(
    "--ut",
    "target",
    type=click.Path(file_okay=False, path_type=Path),
    default=EXAMPLE_DIR,
    show_default=True,
    help="Katalogen med exempelnämndens kontoplan.toml.",
)
def exempel(target: Path) -> None:
    """Skapa om exempelnämndens filer från generatorn."""
    from namndbok.fileio import os_reason
    from namndbok.kontoplan import KontoplanError
    from namndbok.scripts.exempel import generate

    try:
        changed = generate(target)
    except KontoplanError as err:
        raise click.ClickException(f"{err} Exemplets filer skrivs om i en katalog med exempelnämndens kontoplan.toml "
                                   f"(standard: {EXAMPLE_DIR}).") from None
    except OSError as err:
        raise click.ClickException(f"Kan inte skriva exemplets filer i {target}: {os_reason(err)}.") from None
    click.echo(f"{len(changed)} filer ändrade i {target}.")


if __name__ == "__main__":
    main()
