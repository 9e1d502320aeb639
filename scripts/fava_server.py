"""Serve a committee ledger in Fava, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

import click

from namndbok.fileio import absolute, os_reason
from namndbok.loading import fault_count, faults, where
from namndbok.parser_guard import install as install_parser_guard
from namndbok.unreadable import unreadable_load
from namndbok.writer_lock import reading
from namndbok_fava.time_filter import refuse_unreadable_time
from namndbok.scripts.web_guard import guard, is_loopback, served_hosts

__all__ = ["is_loopback", "ledger_slug", "serve"]


def ledger_slug(fava_ledger) -> str:
    """Fava's own rule for the ledger's address (fava.application._slug)."""
    from fava.util import slugify

    return slugify(fava_ledger.options["title"]) or slugify(fava_ledger.beancount_file_path)


def _bind_error(err: OSError) -> OSError:
    """The OSError of the bind (cheroot says it only in its message: "[Errno 98] …")."""
    match = re.search(r"\[Errno (\d+)\]", str(err))
    return OSError(int(match.group(1)), str(err)) if err.errno is None and match else err


def _fava_app(ledgers: list[Path], read_only: bool):
    """Fava's app with the ledgers loaded; a file Beancount cannot open said as `kontrollera` says it."""
    from contextlib import ExitStack

    from fava.application import create_app

    install_parser_guard()  # a division by zero in an amount: an error at its line, not a dead Fava
    ledger = ledgers[0]
    try:
        with ExitStack() as locks:
            for ledger in ledgers:  # the first load, under the lock as every load of ours
                locks.enter_context(reading(ledger))
            return create_app(ledgers, load=True, read_only=read_only)
    except OSError as err:
        error = unreadable_load(ledger, err)[1][0]
        raise click.ClickException(f"{where(error)}: {error.message}") from None


def serve(ledger: Path | list[Path], host: str, port: int, read_only: bool, extra_hosts: Iterable[str] = ()) -> None:
    """Bind the port, load the ledger (or several: a kommun's, with the page Kommun), print where Fava
    answers, and serve until Ctrl+C.

    Fava answers only to the addresses it listens on and `extra_hosts`
    (`namndbok.scripts.web_guard`)."""
    from cheroot.wsgi import Server

    if not is_loopback(host):
        click.secho(
            f"Varning: Fava lyssnar på {host} och kan nås av alla som når den här datorn. "
            "Fava har ingen inloggning: ställ den bakom en omvänd proxy med inloggning "
            "och kör skrivskyddat (--skrivskyddad). Se README, avsnittet Webbvyn.",
            fg="yellow",
            err=True,
        )
    ledgers = [absolute(p) for p in (ledger if isinstance(ledger, list) else [ledger])]  # Beancount's loader, under Fava, takes only absolute paths
    server = Server((host, port), None)
    try:
        server.prepare()  # the port first: a busy one is said before anything is loaded or printed
    except OSError as err:
        raise click.ClickException(
            f"Kan inte lyssna på {host}:{port} ({os_reason(_bind_error(err))}). "
            "Välj en annan port med --port."
        ) from None
    try:
        for ledger in ledgers:
            click.echo(f"Läser {ledger} …")
        app = _fava_app(ledgers, read_only)
        refuse_unreadable_time(app)
        server.wsgi_app = guard(app, served_hosts(host, port, extra_hosts))
    except BaseException:
        server.stop()
        raise
    for fava_ledger in app.config["LEDGERS"].ledgers:
        if fava_ledger.errors:
            which = f"{fava_ledger.options['title']}: liggaren" if len(ledgers) > 1 else "Liggaren"
            click.secho(
                f"{which} har {fault_count(fava_ledger.errors)}: se sidan Errors i Fava "
                f"eller kör `namndbok kontrollera {fava_ledger.beancount_file_path}`.",
                fg="red" if faults(fava_ledger.errors) else "yellow",
            )
    url_host = host if ":" not in host else f"[{host}]"
    served = list(app.config["LEDGERS"].items())
    slug, fava_ledger = served[0]
    if len(served) == 1:
        click.secho(f"Fava med {fava_ledger.options['title']}: http://{url_host}:{port}/{slug}/income_statement/", fg="green")
    else:  # a kommun: its page first, then each ledger's own
        click.secho(f"Fava med kommunen: http://{url_host}:{port}/{slug}/extension/Namndbok/?sida=kommun", fg="green")
        for slug, fava_ledger in served:
            click.echo(f"  {fava_ledger.options['title']}: http://{url_host}:{port}/{slug}/income_statement/")
    click.echo("Avsluta med Ctrl+C.")
    try:
        server.serve()
    except KeyboardInterrupt:
        click.echo("Avslutar Fava.")
    finally:
        server.stop()
