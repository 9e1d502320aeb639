"""`namndbok prognos`: the unit managers' prognos, given and followed up.

`lamna` writes one verksamhet's prognos for a follow-up (`namndbok.prognos_write`, the
same function as the Fava page "Lämna prognos"); `status` says which verksamheter have
given theirs, when and by whom (git), and which are missing (`namndbok.prognos_status`).

cli.py adds the commands (`group(ledger_parameters)` makes the group, `add_commands` adds them to a
group that exists), so that this module does not import cli.py.
"""

from __future__ import annotations

import click

from namndbok.fileio import shown
from namndbok.scripts.periods import PERIOD

ENHETER = ("mnkr", "tkr", "kr")


def group(ledger_parameters) -> click.Group:
    """The group `namndbok prognos` with `lamna` and `status`."""

    @click.group("prognos")
    def prognos() -> None:
        """Prognosen från enhetscheferna: lämna en verksamhets helårsprognos och se vilka som saknas. Se docs/prognos.md."""

    return add_commands(prognos, ledger_parameters)


def add_commands(prognos: click.Group, ledger_parameters) -> click.Group:
    """`lamna` and `status` added to the group `prognos` (made here by `group`, or one cli.py has)."""

    @prognos.command("lamna")
    @ledger_parameters(writes=True)
    @click.option("--per", "date", type=PERIOD, required=True, help="Uppföljningen: ÅÅÅÅ-MM (t.ex. 2026-10).")
    @click.option("--verksamhet", required=True, help="Verksamhetens kod i kontoplanen, t.ex. 571.")
    @click.option("--kostnader", default=None, help="Helårets kostnader, positivt (t.ex. 158,1).")
    @click.option("--intakter", default=None, help="Helårets intäkter, också positivt (t.ex. 14,5).")
    @click.option("--basta", default=None, help="Kostnaderna i bästa fall (lägst; valfritt).")
    @click.option("--samsta", default=None, help="Kostnaderna i sämsta fall (högst; valfritt).")
    @click.option("--kommentar", default=None, help="En rad om varför, t.ex. \"Fler placeringar på HVB\".")
    @click.option("--enhet", type=click.Choice(ENHETER), default="mnkr", show_default=True, help="Beloppens enhet.")
    @click.option("--av", default=None, help="Vem som lämnar prognosen (git-commitens författare; standard: git:s användare).")
    def lamna(ledger, date, verksamhet, kostnader, intakter, basta, samsta, kommentar, enhet, av) -> None:
        """Lämna en verksamhets helårsprognos för uppföljningen (ersätter uppföljningens tidigare rader för den)."""
        from namndbok.importers.model import SourceError
        from namndbok.prognos_write import InputError, read_submission, submit

        texts = {"kostnader": kostnader, "intakter": intakter, "basta": basta, "samsta": samsta}
        try:
            submission = read_submission(verksamhet, date, texts, enhet, kommentar, av)
            outcome = submit(ledger, submission)
        except (InputError, SourceError) as err:
            raise click.ClickException(str(err)) from None
        click.echo(f"Prognosen för {outcome.name}, uppföljningen {submission.follow_up:%Y-%m}, är skriven i "
                   f"{shown(outcome.target)}. {outcome.committed.note}")

    @prognos.command("status")
    @ledger_parameters(writes=False)
    @click.option("--per", "date", type=PERIOD, required=True, help="Uppföljningen: ÅÅÅÅ-MM (t.ex. 2026-10).")
    def status(ledger, date) -> None:
        """Vilka verksamheter som har lämnat prognos för uppföljningen, när och av vem (git), och vilka som saknas."""
        from namndbok.load_reading import reading_of
        from namndbok.loading import faults, faults_message, load
        from namndbok.prognos_status import missing_text, status as unit_status, when_text
        from namndbok.prognos_write import follow_up_of
        from namndbok.scripts.tables import TextTable, show

        entries, errors, options = load(ledger)
        if faults(errors):
            raise click.ClickException(faults_message(faults(errors), ledger))
        data = reading_of(entries, options)
        if not data.kontoplaner:
            raise click.ClickException("Liggaren har ingen kontoplan; prognosstatus behöver den.")
        follow_up = follow_up_of(date)
        units = unit_status(data, follow_up)
        rows = [[unit.name, unit.state, when_text(unit.when), unit.author or "—"]
                for unit in units]
        show(TextTable(f"{options['title']} – prognoser för uppföljningen {follow_up:%Y-%m}",
                       ("Verksamhet", "Prognos", "Incheckad", "Av"), rows, right=(False, False, False, False)))
        click.echo(missing_text(units, follow_up))

    return prognos
