"""Real Fava on the example committee, over HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

import pytest

from scripts.fava_server import is_loopback


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
