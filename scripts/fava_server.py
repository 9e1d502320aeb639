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


def _fava_app(ledger: Path, read_only: bool):
    """Fava's app with the ledger loaded; a file Beancount cannot open said as `kontrollera` says it."""
    from fava.application import create_app

    install_parser_guard()  # a division by zero in an amount: an error at its line, not a dead Fava
    try:
        with reading(ledger):  # the first load, under the lock as every load of ours
            return create_app([ledger], load=True, read_only=read_only)
    except OSError as err:
        error = unreadable_load(ledger, err)[1][0]
        raise click.ClickException(f"{where(error)}: {error.message}") from None


def serve(ledger: Path, host: str, port: int, read_only: bool, extra_hosts: Iterable[str] = ()) -> None:
    """Bind the port, load the ledger, print where Fava answers, and serve until Ctrl+C.

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
    ledger = absolute(ledger)  # Beancount's loader, under Fava, takes only absolute paths
    server = Server((host, port), None)
    try:
        server.prepare()  # the port first: a busy one is said before anything is loaded or printed
    except OSError as err:
        raise click.ClickException(
            f"Kan inte lyssna på {host}:{port} ({os_reason(_bind_error(err))}). "
            "Välj en annan port med --port."
        ) from None
    try:
        click.echo(f"Läser {ledger} …")
        app = _fava_app(ledger, read_only)
        refuse_unreadable_time(app)
        server.wsgi_app = guard(app, served_hosts(host, port, extra_hosts))
    except BaseException:
        server.stop()
        raise
    fava_ledger = app.config["LEDGERS"].ledgers[0]
    title = fava_ledger.options["title"]
    if fava_ledger.errors:
        click.secho(
            f"Liggaren har {fault_count(fava_ledger.errors)}: se sidan Errors i Fava eller kör `namndbok kontrollera {ledger}`.",
            fg="red" if faults(fava_ledger.errors) else "yellow",
        )
    url_host = host if ":" not in host else f"[{host}]"
    click.secho(f"Fava med {title}: http://{url_host}:{port}/{ledger_slug(fava_ledger)}/income_statement/", fg="green")
    click.echo("Avsluta med Ctrl+C.")
    try:
        server.serve()
    except KeyboardInterrupt:
        click.echo("Avslutar Fava.")
    finally:
        server.stop()
