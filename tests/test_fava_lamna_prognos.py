"""The page "Lämna prognos" (issue 23, point 2) in real Fava and real Chromium, on a copy of the
example in git: enter and submit → the follow-up's file has the new lines and `git log -1` names
the unit; refused when Fava is read-only, when the follow-up is in a locked period, from another
origin, and without (or with a wrong) token."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from conftest import start_fava
from test_fava_extension import TIMEOUT_MS, _base

GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def _git(folder, *args) -> str:
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout




def _repo(tmp_path_factory):
    import shutil

    from conftest import EXAMPLE_DIR, EXAMPLE_LEDGER

    folder = tmp_path_factory.mktemp("lamna") / "exempel"
    shutil.copytree(EXAMPLE_DIR, folder, ignore=shutil.ignore_patterns("rapporter"))
    _git(folder, "init", "-q")
    _git(folder, "config", "user.name", "Ekonomen")
    _git(folder, "config", "user.email", "ekonom@example.org")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "Exemplet")
    return folder / EXAMPLE_LEDGER.name


def _serve(ledger, *args):
    env = {**os.environ, **GIT_ENV}
    proc, url, _ = start_fava(str(ledger), *args, env=env)
    return proc, _base(url)


@pytest.fixture(scope="module")
def writable(tmp_path_factory):
    ledger = _repo(tmp_path_factory)
    proc, base = _serve(ledger)
    yield ledger, base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def read_only(tmp_path_factory):
    ledger = _repo(tmp_path_factory)
    proc, base = _serve(ledger, "--skrivskyddad")
    yield ledger, base
    proc.terminate()
    proc.wait(timeout=10)


def _url(base: str, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"sida": "lamna-prognos", **params}.items())
    return f"{base}/extension/Namndbok/?{query}"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def _files(ledger) -> dict:
    return {p: p.read_bytes() for p in ledger.parent.rglob("*.beancount")}


def test_enter_and_submit_writes_the_file_commits_it_and_shows_the_new_figures(writable, page):
    ledger, base = writable
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(_url(base, uppfoljning="2026-10", verksamhet="571"))
    form = page.locator("form.prognos")
    form.locator("input[name=kostnader]").fill("161,3")
    form.locator("input[name=intakter]").fill("14,2")
    form.locator("input[name=basta]").fill("160")
    form.locator("input[name=samsta]").fill("163,5")
    form.locator("input[name=kommentar]").fill("Fler placeringar under hösten")
    form.locator("input[name=av]").fill("Anna Andersson")
    form.get_by_role("button", name="Lämna prognos").click()
    receipt = page.locator("p.kvitto")
    receipt.wait_for(state="visible")
    assert "Prognosen för 571 Missbrukarvård för vuxna, uppföljningen 2026-10, är sparad i " \
           "2026/prognos/2026-10.beancount. Incheckad i git som" in receipt.inner_text()
    text = (ledger.parent / "2026" / "prognos" / "2026-10.beancount").read_text(encoding="utf-8")
    assert re.search(r'Kostnader:Socialnämnden:571 +161300000\.00 SEK', text)
    assert re.search(r'Intäkter:Socialnämnden:571 +-14200000\.00 SEK', text)
    assert 'kommentar: "Fler placeringar under hösten"' in text
    assert "158100000.00" not in text  # the unit's earlier lines of this follow-up are gone
    assert _git(ledger.parent, "log", "-1", "--format=%an|%s").strip() == \
        "Anna Andersson|Prognos 2026-10: 571 Missbrukarvård för vuxna (Anna Andersson)"
    # The page shows the new prognos at once, and who gave it.
    figures = page.locator("#prognosunderlag")
    assert figures.locator("tbody tr").nth(0).locator("td").nth(3).inner_text() == "161,3"
    assert figures.locator("tbody tr").nth(1).locator("td").nth(3).inner_text() == "14,2"
    row = page.locator("#prognosstatus tbody tr", has_text="571 Missbrukarvård")
    assert "Anna Andersson" in row.inner_text() and "lämnad" in row.inner_text()
    assert "Alla 11 verksamheter har lämnat prognos för 2026-10." in page.locator("p.saknas").inner_text()
    assert errors == []  # no script error and no Content-Security-Policy violation (the form posts to Fava itself)


def test_a_wrong_amount_is_shown_again_with_what_was_entered(writable, page):
    ledger, base = writable
    before = _files(ledger)
    page.goto(_url(base, uppfoljning="2026-11", verksamhet="572"))
    form = page.locator("form.prognos")
    form.locator("input[name=kostnader]").fill("90")
    form.locator("input[name=basta]").fill("95")
    form.locator("input[name=av]").fill("Bo Berg")
    form.get_by_role("button", name="Lämna prognos").click()
    error = page.locator("p.fel")
    error.wait_for(state="visible")
    assert "Bästa fall kan inte ha högre kostnader än prognosen" in error.inner_text()
    assert page.locator("form.prognos input[name=basta]").input_value() == "95"
    assert _files(ledger) == before
    assert "Saknas (11 av 11)" in page.locator("p.saknas").inner_text()


def test_a_locked_follow_up_has_no_form_and_a_forged_post_is_refused(writable, page):
    ledger, base = writable
    before, head = _files(ledger), _git(ledger.parent, "rev-parse", "HEAD")
    page.goto(_url(base, uppfoljning="2026-08", verksamhet="571"))
    assert page.locator("form.prognos").count() == 0
    assert "Perioden 2026-01-01 – 2026-08-31 är stängd, så ingen prognos kan lämnas för uppföljningen 2026-08" \
        in page.locator("p.stangd").inner_text()
    # A form of an open month, turned to the locked one in the browser: the write refuses it.
    page.goto(_url(base, uppfoljning="2026-10", verksamhet="571"))
    page.evaluate("document.querySelector('form.prognos input[name=uppfoljning]').value = '2026-08'")
    page.locator("form.prognos input[name=kostnader]").fill("150")
    page.locator("form.prognos").get_by_role("button", name="Lämna prognos").click()
    error = page.locator("p.fel")
    error.wait_for(state="visible")
    assert "2026/las.beancount:14: Perioden 2026-01-01 – 2026-08-31 är stängd" in error.inner_text()
    assert _files(ledger) == before
    assert _git(ledger.parent, "rev-parse", "HEAD") == head


def test_another_origin_no_token_and_a_wrong_token_are_refused(writable, page):
    ledger, base = writable
    before, head = _files(ledger), _git(ledger.parent, "rev-parse", "HEAD")
    page.goto(_url(base, uppfoljning="2026-11", verksamhet="571"))
    action = page.locator("form.prognos").get_attribute("action")
    token = page.locator("form.prognos input[name=token]").input_value()
    origin = re.match(r"https?://[^/]+", base).group(0)
    endpoint = origin + action
    fields = {"uppfoljning": "2026-11", "verksamhet": "571", "kostnader": "150", "enhet": "mnkr"}
    cross = page.request.post(endpoint, form={**fields, "token": token}, headers={"Origin": "http://annan.example"})
    assert cross.status == 403
    missing = page.request.post(endpoint, form=fields, headers={"Origin": origin})
    assert missing.status == 403 and "Formuläret kommer inte från den här sidan" in missing.text()
    wrong = page.request.post(endpoint, form={**fields, "token": token[:-4] + "0000"}, headers={"Origin": origin})
    assert wrong.status == 403
    other_unit = page.request.post(endpoint, form={**fields, "verksamhet": "572", "token": token},
                                   headers={"Origin": origin})
    assert other_unit.status == 403
    assert _files(ledger) == before
    assert _git(ledger.parent, "rev-parse", "HEAD") == head
    # The same token from the same origin is accepted: the refusals above were the token's and the origin's.
    good = page.request.post(endpoint, form={**fields, "token": token}, headers={"Origin": origin}, max_redirects=0)
    assert good.status == 303
    assert "Prognos 2026-11: 571" in _git(ledger.parent, "log", "-1", "--format=%s")


def test_read_only_fava_shows_no_form_and_refuses_a_post(read_only, page):
    ledger, base = read_only
    before, head = _files(ledger), _git(ledger.parent, "rev-parse", "HEAD")
    page.goto(_url(base, uppfoljning="2026-10", verksamhet="571"))
    assert page.locator("form.prognos").count() == 0
    assert "Fava körs skrivskyddat" in page.locator("p.skrivskyddad").inner_text()
    assert page.locator("#prognosunderlag").count() == 1  # the figures are still shown
    origin = re.match(r"https?://[^/]+", base).group(0)
    answer = page.request.post(f"{base}/extension/Namndbok/lamna_prognos",
                               form={"uppfoljning": "2026-10", "verksamhet": "571", "kostnader": "150"},
                               headers={"Origin": origin})
    assert answer.status in (401, 403)
    assert _files(ledger) == before
    assert _git(ledger.parent, "rev-parse", "HEAD") == head


def test_the_figures_are_the_clis_uppfoljning_signed_as_entered(example_copy):
    """Utfall, budget helår and the latest prognos of each verksamhet on the page are the cells
    `namndbok uppfoljning --grupp verksamhet --grupp typ` prints, with intäkter and kostnader positive; the
    suggestion is the one `namndbok prognos forslag` prints."""
    import csv
    import io
    from html.parser import HTMLParser

    from fava.application import create_app
    from fava.util import slugify

    from conftest import run

    code, out = run("uppfoljning", example_copy, "--per", "2026-10", "--grupp", "verksamhet", "--grupp", "typ",
                    "--format", "csv")
    assert code == 0, out
    rows = list(csv.reader(io.StringIO(out[out.index("Mnkr;"):]), delimiter=";"))
    header = rows[0]
    cli = {row[0]: row for row in rows[1:]}

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.inside = [], False

        def handle_starttag(self, tag, attrs):
            if tag == "table" and ("id", "prognosunderlag") in attrs:
                self.inside = True
            elif self.inside and tag == "tr":
                self.rows.append([])
            elif self.inside and tag in ("td", "th"):
                self.rows[-1].append("")

        def handle_endtag(self, tag):
            if tag == "table":
                self.inside = False

        def handle_data(self, data):
            if self.inside and self.rows and self.rows[-1]:
                self.rows[-1][-1] += data.strip()

    suggested = _suggestions(example_copy)
    app = create_app([example_copy.resolve()], load=True)
    client, slug = app.test_client(), slugify(app.config["LEDGERS"].ledgers[0].options["title"])
    checked = 0
    for code_name in ("571 Missbrukarvård för vuxna", "5731 Institutionsvård (HVB) barn och unga", "010 Politisk verksamhet"):
        code = code_name.split()[0]
        body = client.get(f"/{slug}/extension/Namndbok/",
                          query_string={"sida": "lamna-prognos", "uppfoljning": "2026-10", "verksamhet": code}).get_data(
            as_text=True)
        parser = Cells()
        parser.feed(body)
        page = {row[0]: row for row in parser.rows[1:]}
        for typ, name in (("Kostnader", "Kostnader"), ("Intäkter", "Intäkter")):
            line = cli.get(f"{code_name} / {typ}")
            if line is None:
                assert page[name][1:4] == ["—", "—", "—"]
                continue
            expected = [line[header.index(h)].lstrip("-") or "—" for h in ("Utfall okt 2026", "Budget helår", "Prognos helår")]
            assert page[name][1:4] == expected, (code, typ)
            assert page[name][4] == suggested[(typ, code_name)].lstrip("-"), (code, typ)  # as `prognos forslag`
            checked += 1
    assert checked >= 4


def _suggestions(ledger) -> dict:
    """(Intäkter|Kostnader, verksamhet) → Förslag helår as `namndbok prognos forslag --format csv` prints it."""
    import csv
    import io

    from conftest import run

    code, out = run("prognos", "forslag", ledger, "--per", "2026-10", "--format", "csv")
    assert code == 0, out
    rows = list(csv.reader(io.StringIO(out[out.index("Mnkr;"):]), delimiter=";"))
    column, section, found = rows[0].index("Förslag helår"), None, {}
    for row in rows[1:]:
        if row and row[0] in ("Intäkter", "Kostnader"):
            section = row[0]
        elif row and section and row[0][:1].isdigit():
            found[(section, row[0])] = row[column]
    return found
