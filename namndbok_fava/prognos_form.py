"""The POST of the page "Lämna prognos": checked, written as `namndbok prognos lamna` writes.

Refused with HTTP 403 and a Swedish text: Fava read-only (`--skrivskyddad`; Fava itself
already refuses every POST then), and a form without this process's token for the
verksamhet (`namndbok_fava.form_token`). A request from another site never gets here
(`namndbok.scripts.web_guard`). What the write refuses (a wrong amount, a locked period,
an unknown verksamhet, a busy ledger) is shown on the page again, with what was entered,
as HTTP 400. After a write Fava reloads the ledger at once, and the browser is sent back
to the page (303), which shows the new figures, the receipt and what is still missing.
"""

from __future__ import annotations

from namndbok_fava.form_token import valid_token

READ_ONLY = "Fava körs skrivskyddat (--skrivskyddad): ingen prognos kan lämnas här."
BAD_TOKEN = ("Formuläret kommer inte från den här sidan eller är för gammalt (eller har Fava startats om). "
             "Ladda om sidan Lämna prognos och lämna prognosen igen.")


def refused(text: str):
    from flask import Response

    return Response(text + "\n", status=403, mimetype="text/plain", headers={"Content-Language": "sv"})


def handle(ext):
    from flask import redirect, request

    from namndbok.importers.model import SourceError
    from namndbok.journal import BusyError
    from namndbok.prognos_write import InputError, read_submission, submit
    from namndbok_fava.pages import link, without_folder
    from namndbok_fava.pages.lamna_prognos import parse_follow_up, token_form

    if ext.read_only():
        return refused(READ_ONLY)
    form = request.form
    verksamhet = form.get("verksamhet", "")
    if not valid_token(form.get("token"), token_form(ext), verksamhet):
        return refused(BAD_TOKEN)
    follow_up = parse_follow_up(form.get("uppfoljning", ""))
    if follow_up is None:
        return show_again(ext, "Uppföljningen saknas; välj den i listan och lämna prognosen igen.")
    texts = {name: form.get(name) for name in ("kostnader", "intakter", "basta", "samsta")}
    try:
        submission = read_submission(verksamhet, follow_up, texts, form.get("enhet", "mnkr"), form.get("kommentar"),
                                     form.get("av"))
        outcome = submit(ext.ledger.beancount_file_path, submission)
    except (InputError, SourceError, BusyError) as err:
        return show_again(ext, without_folder(str(err), ext.ledger_dir))
    ext.ledger.load_file()  # the new figures at once, not when Fava's watcher notices
    note = (f"Prognosen för {outcome.name}, uppföljningen {submission.follow_up:%Y-%m}, är sparad i "
            f"{without_folder(str(outcome.target), ext.ledger_dir)}. {outcome.committed.note}")
    return redirect(link(sida="lamna-prognos", uppfoljning=f"{submission.follow_up:%Y-%m}", verksamhet=verksamhet,
                         kvitto=ext.keep_receipt(note)), code=303)


def show_again(ext, message: str):
    """The report page with `message` and what was entered (HTTP 400)."""
    from flask import g, render_template
    from markupsafe import Markup

    g.namndbok_prognos_error = message
    g.extension = ext
    template = ext.jinja_env.get_template(f"{ext.name}.html")
    content = Markup(template.render(ledger=g.ledger, extension=ext))  # noqa: S704 - autoescaped template
    return render_template("_layout.html", content=content, page_title=ext.report_title), 400
