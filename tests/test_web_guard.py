"""The web guard (namndbok.scripts.web_guard) in front of a real, writable Fava, and its policy in real Chromium.

A request with another Host (DNS rebinding) or a write from another site is
refused with 403 and leaves the ledger as it was; a write from Fava's own page
goes through. Every response carries the security headers, and Fava's own pages
and ours work under the Content-Security-Policy with no violation reported.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
import http.client
import json
from urllib.parse import quote, urlsplit

import pytest

from conftest import start_fava
from namndbok.scripts.web_guard import CONTENT_SECURITY_POLICY, served_hosts
from test_fava_extension import TIMEOUT_MS  # noqa: F401 - the Chromium fixture

PROXY_NAME = "ekonomi.example"
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def test_served_hosts_are_the_listening_address_and_its_loopback_names():
    assert served_hosts("127.0.0.1", 5000) == {"localhost:5000", "127.0.0.1:5000", "[::1]:5000"}
    assert served_hosts("::1", 5000) == {"localhost:5000", "127.0.0.1:5000", "[::1]:5000"}
    assert served_hosts("192.0.2.10", 5000) == {"192.0.2.10:5000"}
    assert served_hosts("0.0.0.0", 5000) == {"0.0.0.0:5000", "localhost:5000", "127.0.0.1:5000", "[::1]:5000"}
    assert served_hosts("192.0.2.10", 5000, ["Ekonomi.Example", "x.example:8443"]) == {
        "192.0.2.10:5000", "ekonomi.example", "ekonomi.example:5000", "x.example:8443"}
    # Port 80 is the Host header without a port.
    assert "localhost" in served_hosts("127.0.0.1", 80)


@pytest.fixture(scope="module")
def writable_fava(tmp_path_factory):
    """A writable Fava on a copy of the example, also answering to PROXY_NAME: (port, ledger path, its URL path)."""
    import shutil

    from conftest import EXAMPLE_DIR

    copy = tmp_path_factory.mktemp("skriv") / "exempel"
    shutil.copytree(EXAMPLE_DIR, copy, ignore=shutil.ignore_patterns("rapporter"))
    main_file = copy / "socialnamnden.beancount"
    _documents(copy, main_file)
    proc, url, _ = start_fava(str(main_file), "--tillat-vard", PROXY_NAME)
    parts = urlsplit(url)
    base = quote(parts.path.rsplit("/income_statement/", 1)[0])
    yield parts.port, main_file, base
    proc.terminate()
    proc.wait(timeout=10)


DOCUMENTS = ("kvitto.pdf", "sida.html")


def _documents(folder, main_file) -> None:
    """A PDF and an HTML file beside the ledger, each a `document` of an account (Fava previews them)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(2, 1))
    figure.text(0.1, 0.5, "Kvitto")
    figure.savefig(folder / DOCUMENTS[0], format="pdf")
    (folder / DOCUMENTS[1]).write_text("<!doctype html><title>Sida</title><p>Ett kvitto</p>", encoding="utf-8")
    with main_file.open("a", encoding="utf-8") as out:
        for day, name in enumerate(DOCUMENTS, start=1):
            out.write(f'\n2026-10-0{day} document Tillgångar:Socialnämnden:1690 "{folder / name}"\n')


def _ask(port: int, method: str, path: str, headers: dict, body: dict | None = None):
    """(status, headers, body text) of one request to Fava with exactly these headers (Host included)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, data, {**headers, **({"Content-Type": "application/json"} if data else {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode("utf-8")
    finally:
        conn.close()


def _source_change(main_file) -> dict:
    """A put_source body that appends a comment to the main file (valid: its current sha256)."""
    text = main_file.read_text(encoding="utf-8")
    return {"file_path": str(main_file), "source": text + "\n; ändrad\n",
            "sha256sum": hashlib.sha256(text.encode("utf-8")).hexdigest()}


@pytest.mark.slow
def test_other_host_or_other_site_is_refused_and_the_ledger_is_unchanged(writable_fava):
    port, main_file, base = writable_fava
    before = main_file.read_bytes()
    own = f"127.0.0.1:{port}"
    source, change = f"{base}/api/source", _source_change(main_file)
    refused = [
        ("GET", f"{base}/income_statement/", {"Host": f"evil.example:{port}"}, None),
        ("GET", source, {"Host": "evil.example"}, None),
        ("PUT", source, {"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"}, change),
        ("PUT", source, {"Host": own, "Origin": "http://evil.example"}, change),
        ("PUT", source, {"Host": own, "Referer": "http://evil.example/sida"}, change),
        ("PUT", source, {"Host": own, "Origin": "null"}, change),
        ("PUT", f"{base}/api/add_entries", {"Host": own, "Origin": f"http://localhost:{port}"}, {"entries": []}),
        ("DELETE", f"{base}/api/source_slice?entry_hash=x&sha256sum=y", {"Host": own, "Origin": "http://evil.example"}, None),
    ]
    for method, path, headers, body in refused:
        status, answer_headers, text = _ask(port, method, path, headers, body)
        assert status == 403, (method, path, headers, status, text)
        assert "Nämndbok svarar inte på adressen" in text or "kom från en annan webbplats" in text, text
        assert answer_headers["x-frame-options"] == "DENY"
        assert main_file.read_bytes() == before, (method, headers)


@pytest.mark.slow
def test_a_write_from_favas_own_page_goes_through(writable_fava):
    port, main_file, base = writable_fava
    for headers in ({"Host": f"127.0.0.1:{port}", "Origin": f"http://127.0.0.1:{port}"},
                    {"Host": f"localhost:{port}", "Referer": f"http://localhost:{port}{base}/editor/"},
                    {"Host": PROXY_NAME, "Origin": f"https://{PROXY_NAME}"},
                    {"Host": f"127.0.0.1:{port}"}):  # no Origin nor Referer: not a browser's cross-site request
        change = _source_change(main_file)
        status, _, text = _ask(port, "PUT", f"{base}/api/source", headers, change)
        assert status == 200, (headers, text)
        assert main_file.read_text(encoding="utf-8") == change["source"]
    status, _, _ = _ask(port, "GET", f"{base}/income_statement/", {"Host": PROXY_NAME})
    assert status == 200


@pytest.mark.slow
def test_every_response_carries_the_security_headers(writable_fava):
    port, main_file, base = writable_fava
    own = {"Host": f"127.0.0.1:{port}"}
    for path, status in ((f"{base}/income_statement/", 200), (f"{base}/extension/Namndbok/?sida=budget", 200),
                         (f"{base}/api/changed", 200), ("/static/app.js", 200), (f"{base}/finns-inte/", 404)):
        got, headers, _ = _ask(port, "GET", path, own)
        assert got == status, path
        for name, value in SECURITY_HEADERS.items():
            assert headers.get(name) == value, (path, name)


# ---------------------------------------------------------------------------
# The policy in Chromium: Fava's pages and ours work, nothing is blocked.

REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', e => {
  (window.__violations = window.__violations || []).push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def _base(url: str) -> str:
    return url.rsplit("/income_statement/", 1)[0]


@contextmanager
def _watched_page(browser):  # noqa: F811 - browser is the imported fixture
    """A new page that reports CSP violations (window.__violations) and collects console and page errors:
    (page, errors)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.add_init_script(REPORT_VIOLATIONS)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        yield page, errors
    finally:
        context.close()


def _visit(browser, url: str, ready):  # noqa: F811 - browser is the imported fixture
    """Open `url`, wait for `ready(page)`; (CSP header of the document, violations, console errors)."""
    with _watched_page(browser) as (page, errors):
        response = page.goto(url)
        page.wait_for_load_state("networkidle")
        ready(page)
        page.wait_for_timeout(300)
        return response.headers.get("content-security-policy"), page.evaluate("window.__violations || []"), errors


def _chart(page) -> None:
    page.locator(".chart-wrapper svg g").first.wait_for(state="visible")


def _editor(page) -> None:
    page.locator(".cm-editor .cm-content").first.wait_for(state="visible")
    # The tree-sitter parser (WebAssembly) highlights the source: a date token gets its own span.
    page.wait_for_function("document.querySelectorAll('.cm-content span').length > 10")


def _query(page) -> None:
    page.locator(".cm-editor .cm-content").first.wait_for(state="visible")
    page.locator("button[type=submit]").first.click()
    page.locator("table td").first.wait_for(state="visible")


def _our_charts(page) -> None:
    """Our page with its charts drawn by plotly.js (diagram.js marks each drawn div)."""
    page.locator(".namndbok-diagram .main-svg").first.wait_for(state="visible")
    page.locator(".namndbok-diagram:not([data-ritat])").first.wait_for(state="detached")
    page.locator(".namndbok-diagram .nsewdrag").first.hover()  # plotly draws a tooltip


def _add_entry_dialog(page) -> None:
    """Fava's dialog for a new entry (key n), with its inline-styled fields."""
    _chart(page)
    page.keyboard.press("n")
    page.locator("form", has_text="Lägg till").first.wait_for(state="visible")


def _keyboard_help(page) -> None:
    """Fava's keyboard shortcuts shown over the page (key ?), each placed by a style attribute."""
    _chart(page)
    page.keyboard.press("?")
    page.locator(".keyboard-tooltip").first.wait_for(state="visible")


PAGES = {
    "income_statement": ("/income_statement/", _chart),
    "add_entry": ("/income_statement/", _add_entry_dialog),
    "keyboard_help": ("/income_statement/", _keyboard_help),
    "journal": ("/journal/", lambda p: p.locator(".journal .transaction").first.wait_for(state="visible")),
    "editor": ("/editor/", _editor),
    "query": ("/query/?query_string=SELECT%20account%2C%20sum(position)%20GROUP%20BY%20account", _query),
    **{name: (f"/{name}/", lambda p: p.locator("article").first.wait_for(state="visible"))
       for name in ("balance_sheet", "trial_balance", "statistics", "documents", "import", "options", "help", "errors")},
    "account": ("/account/Kostnader:Socialnämnden:5731/", _chart),
    **{name: (f"/extension/Namndbok/?sida={name}", _our_charts) for name in ("oversikt", "budget", "prognos", "eget-kapital", "nyckeltal")},
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_work_under_the_content_security_policy(browser, fava_url, name):  # noqa: F811
    path, ready = PAGES[name]
    policy, violations, errors = _visit(browser, _base(fava_url) + path, ready)
    assert policy == CONTENT_SECURITY_POLICY
    assert violations == []
    assert errors == []


@pytest.mark.slow
def test_saving_in_favas_editor_goes_through_the_guard(browser, writable_fava):  # noqa: F811
    """Chromium sends Origin with the editor's PUT; it is Fava's own, so the save is written."""
    port, main_file, base = writable_fava
    before = main_file.read_text(encoding="utf-8")
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.add_init_script(REPORT_VIOLATIONS)
        page.goto(f"http://127.0.0.1:{port}{base}/editor/")
        page.wait_for_load_state("networkidle")
        content = page.locator(".cm-editor .cm-content").first
        content.click()
        page.keyboard.press("Control+End")
        page.keyboard.type("\n; sparad i webbläsaren\n")
        with page.expect_response(lambda r: r.url.endswith("/api/source") and r.request.method == "PUT") as saved:
            page.keyboard.press("Control+s")
        assert saved.value.status == 200, saved.value.text()
        assert "; sparad i webbläsaren" in main_file.read_text(encoding="utf-8")
        assert main_file.read_text(encoding="utf-8").startswith(before.rstrip("\n")[:1000])
        assert page.evaluate("window.__violations || []") == []
    finally:
        context.close()


@pytest.mark.slow
@pytest.mark.parametrize("name", DOCUMENTS)
def test_favas_document_preview_works_under_the_policy(browser, writable_fava, name):  # noqa: F811
    """Fava shows a PDF in an <object> and an HTML file in a sandboxed <iframe>: the policy lets its own
    page (only) embed them."""
    port, _, base = writable_fava
    with _watched_page(browser) as (page, errors):
        page.goto(f"http://127.0.0.1:{port}{base}/documents/")
        page.wait_for_load_state("networkidle")
        with page.expect_response(lambda r: "/document/?filename=" in r.url) as shown:
            page.get_by_text(name, exact=True).first.click()
        assert shown.value.status == 200
        assert shown.value.headers["x-frame-options"] == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in shown.value.headers["content-security-policy"]
        page.locator("object[data*='document/'], iframe[src*='document/']").first.wait_for(state="attached")
        page.wait_for_timeout(500)
        assert page.evaluate("window.__violations || []") == []
        assert errors == []
