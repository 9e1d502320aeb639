"""Real Fava on the example committee, over HTTP on 127.0.0.1."""

from __future__ import annotations

import ipaddress
import json
import re
import urllib.parse
import urllib.request

import pytest

from namndbok.scripts.fava_server import is_loopback


@pytest.mark.slow
def test_fava_income_statement_answers(fava_url):
    assert "/income_statement/" in fava_url
    quoted = urllib.parse.quote(fava_url, safe=":/")
    with urllib.request.urlopen(quoted, timeout=30) as response:
        assert response.status == 200
        page = response.read().decode("utf-8")
    # Our Swedish roots and a verksamhet are in the page's account tree
    # (which Fava embeds as JSON, so non-ASCII letters are escaped).
    for account in ("Intäkter:Socialnämnden:Kommunbidrag", "Kostnader:Socialnämnden:5731:4610"):
        assert json.dumps(account)[1:-1] in page


@pytest.mark.slow
def test_fava_front_page_leads_to_the_income_statement(fava_url):
    port = re.search(r":(\d+)/", fava_url).group(1)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
        assert response.status == 200
        assert response.url.endswith("/income_statement/")


def test_loopback_detection():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.10")


def _listening(port: int) -> set[str]:
    """The addresses the kernel has a listening TCP socket on `port` for (IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table, encoding="ascii").read().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hexport = local.split(":")
            if state == "0A" and int(hexport, 16) == port:  # 0A: LISTEN
                found.add(str(ipaddress.ip_address(bytes.fromhex(address)[::-1])) if len(address) == 8 else address)
    return found


def _serve(*args):
    """Start `namndbok fava` with `args`; (process, its port, what it printed up to its address)."""
    from conftest import start_fava

    proc, url, printed = start_fava(*args, timeout=60)
    return proc, int(re.search(r":(\d+)/", url).group(1)), printed


@pytest.mark.slow
@pytest.mark.parametrize("host, listens, warns", [(None, {"127.0.0.1"}, False), ("0.0.0.0", {"0.0.0.0"}, True)])
def test_fava_listens_on_loopback_unless_told_and_warns_then(host, listens, warns):
    proc, port, printed = _serve(*(["--host", host] if host else []))
    try:
        assert _listening(port) == listens, printed
        assert ("Varning: Fava lyssnar på 0.0.0.0 och kan nås av alla" in printed) == warns, printed
        assert "omvänd proxy med inloggning" in printed if warns else "Varning" not in printed
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.parametrize("value", ["2026-13", "2026-00", "2026-02-30", "2026-W60", "xyz"])
def test_a_time_fava_cannot_read_is_a_swedish_400_on_favas_own_pages_and_api(fava_url, value):
    """Fava 1.30 answers 500 to a month, day or week that is no date on every API call that filters;
    `namndbok fava` answers 400 with what to write, as JSON on the API and in Fava's layout on its pages."""
    import urllib.error

    from conftest import EXAMPLE_DIR

    base = urllib.parse.quote(fava_url.rsplit("/income_statement/", 1)[0], safe=":/")
    message = f"Tidsfiltret ”{value}” går inte att läsa. Skriv till exempel 2026-10"
    for path in ("api/income_statement", "api/balance_sheet", "api/journal_page?page=1&order=desc",
                 "api/query?query_string=SELECT%201", "api/statistics", "income_statement/",
                 "download-journal/"):
        separator = "&" if "?" in path else "?"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/{path}{separator}time={value}", timeout=60)
        body = refused.value.read().decode("utf-8")
        assert refused.value.code == 400, (path, body[:300])
        assert message in (json.loads(body)["error"] if path.startswith("api/") else body), path
    # Our report shows the message in its page.
    with urllib.request.urlopen(f"{base}/extension/Namndbok/?sida=budget&time={value}&partial=true", timeout=60) as page:
        body = page.read().decode("utf-8")
    assert message in body and str(EXAMPLE_DIR.resolve()) not in body
