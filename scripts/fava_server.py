"""Serve a committee ledger in Fava, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import click

from namndbok.fileio import os_reason
from scripts.web_guard import guard, is_loopback, served_hosts

__all__ = ["is_loopback", "ledger_slug", "serve"]


def ledger_slug(fava_ledger) -> str:
    """Fava's own rule for the ledger's address (fava.application._slug)."""
    from fava.util import slugify

    return slugify(fava_ledger.options["title"]) or slugify(fava_ledger.beancount_file_path)


def serve(ledger: Path, host: str, port: int, read_only: bool, extra_hosts: Iterable[str] = ()) -> None:
    """Load the ledger, print where Fava answers, and serve until Ctrl+C.

    Fava answers only to the addresses it listens on and `extra_hosts`
    (`scripts.web_guard`)."""
    from cheroot.wsgi import Server
    from fava.application import create_app

    if not is_loopback(host):
        click.secho(
            f"Varning: Fava lyssnar på {host} och kan nås av alla som når den här datorn. "
            "Fava har ingen inloggning: ställ den bakom en omvänd proxy med inloggning "
            "och kör skrivskyddat (--skrivskyddad). Se README, avsnittet Webbvyn.",
            fg="yellow",
            err=True,
        )
    click.echo(f"Läser {ledger} …")
    from namndbok_fava.time_filter import refuse_unreadable_time

    app = create_app([ledger], load=True, read_only=read_only)
    refuse_unreadable_time(app)
    fava_ledger = app.config["LEDGERS"].ledgers[0]
    title = fava_ledger.options["title"]
    errors = len(fava_ledger.errors)
    if errors:
        click.secho(
            f"Liggaren har {errors} fel: se sidan Errors i Fava eller kör `namndbok kontrollera {ledger}`.",
            fg="red",
        )
    url_host = host if ":" not in host else f"[{host}]"
    click.secho(f"Fava med {title}: http://{url_host}:{port}/{ledger_slug(fava_ledger)}/income_statement/", fg="green")
    click.echo("Avsluta med Ctrl+C.")
    server = Server((host, port), guard(app, served_hosts(host, port, extra_hosts)))
    try:
        server.prepare()
    except OSError as err:
        raise click.ClickException(
            f"Kan inte lyssna på {host}:{port} ({os_reason(err)}). "
            "Välj en annan port med --port."
        ) from None
    try:
        server.serve()
    except KeyboardInterrupt:
        click.echo("Avslutar Fava.")
    finally:
        server.stop()
