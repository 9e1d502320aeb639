"""namndbok.plugins.kontoplan: unknown verksamhet, konto, ansvar are refused with file and line."""

from __future__ import annotations

from beancount.core import data

from namndbok.kontoplan import KontoplanError, parse_kontoplan

import pytest

from conftest import line_of


GOOD = """
2026-01-31 * "Faktura HVB"
  Kostnader:Socialnämnden:5731:4610:2200   120000.00 SEK
  Tillgångar:Socialnämnden:1690
"""


def test_accounts_in_the_kontoplan_are_opened_without_open_lines(write_ledger):
    path, entries, errors, _ = write_ledger(GOOD)
    assert errors == []
    opens = {e.account: e for e in entries if isinstance(e, data.Open)}
    assert set(opens) == {"Kostnader:Socialnämnden:5731:4610:2200", "Tillgångar:Socialnämnden:1690"}
    assert str(opens["Tillgångar:Socialnämnden:1690"].date) == "2026-01-31"
    assert opens["Kostnader:Socialnämnden:5731:4610:2200"].meta["namn"] == (
        "5731 Institutionsvård (HVB) barn och unga / 4610 Köp av institutionsvård (HVB) / 2200 Placeringsenhet"
    )


def test_unknown_verksamhet_is_refused_at_its_file_and_line(write_ledger):
    path, _, errors, _ = write_ledger(GOOD + """
2026-02-28 * "Felkonterad faktura"
  Kostnader:Socialnämnden:5799:4610:2200     5000.00 SEK
  Tillgångar:Socialnämnden:1690
""")
    assert len(errors) == 1
    error = errors[0]
    assert error.source["filename"] == str(path)
    assert error.source["lineno"] == line_of(path, "5799:4610")
    assert error.message.startswith("Okänd verksamhet '5799' i kontot Kostnader:Socialnämnden:5799:4610:2200")
    assert "Lägg till den under [verksamheter]" in error.message


def test_unknown_konto_is_refused_at_its_file_and_line(write_ledger):
    path, _, errors, _ = write_ledger(GOOD + """
2026-02-28 * "Okänt konto"
  Kostnader:Socialnämnden:5731:4699:2200     5000.00 SEK
  Tillgångar:Socialnämnden:1690
""")
    assert [(e.source["lineno"], e.message.split(":")[0]) for e in errors] == [
        (line_of(path, "4699"), "Okänt konto '4699' i kontot Kostnader")
    ]


def test_unknown_ansvar_and_wrong_root_and_too_deep(write_ledger):
    path, _, errors, _ = write_ledger(GOOD + """
2026-02-28 * "Flera fel"
  Kostnader:Socialnämnden:5731:4610:9999     5000.00 SEK
  Intäkter:Socialnämnden:5731:4610          -1000.00 SEK
  Kostnader:Socialnämnden:5731:4610:2200:X   1000.00 SEK
  Tillgångar:Socialnämnden:1690
""")
    found = {e.source["lineno"]: e.message for e in errors}
    assert found[line_of(path, ":9999")].startswith("Okänt ansvar '9999'")
    assert found[line_of(path, "Intäkter:Socialnämnden:5731:4610")].startswith(
        "Konto 4610 (Köp av institutionsvård (HVB)) är av typen kostnad men står under roten för intäkt"
    )
    assert "för många led" in found[line_of(path, "2200:X")]
    assert len(errors) == 3


def test_unknown_nämnd(write_ledger):
    path, _, errors, _ = write_ledger("""
2026-01-31 * "Fel nämnd"
  Kostnader:Socialnamnden:5731:4610   10.00 SEK
  Tillgångar:Socialnämnden:1690
""")
    assert len(errors) == 1
    assert errors[0].message.startswith("Okänd nämnd 'Socialnamnden'")


def test_a_directive_naming_an_account_is_checked_too(write_ledger):
    path, _, errors, _ = write_ledger("""
2026-01-01 custom "prognos" Kostnader:Socialnämnden:5798 100.00 SEK
2026-01-01 balance Tillgångar:Socialnämnden:1699  0.00 SEK
""")
    assert sorted(e.message.split(" i kontot")[0] for e in errors) == [
        "Okänd verksamhet '5798'",
        "Okänt konto '1699'",
    ]
    assert {e.source["lineno"] for e in errors} == {line_of(path, "5798"), line_of(path, "1699")}


def test_repeated_use_gives_one_error_with_a_count(write_ledger):
    body = "".join(
        f"""
2026-0{m}-01 * "Upprepat fel"
  Kostnader:Socialnämnden:5799:4610   10.00 SEK
  Tillgångar:Socialnämnden:1690
""" for m in (1, 2, 3))
    _, _, errors, _ = write_ledger(body)
    assert len(errors) == 1
    assert errors[0].message.endswith("(Kontot används på ytterligare 2 ställen.)")


def test_explicit_open_is_kept(write_ledger):
    _, entries, errors, _ = write_ledger("2020-01-01 open Tillgångar:Socialnämnden:1690 SEK\n" + GOOD)
    assert errors == []
    opens = [e for e in entries if isinstance(e, data.Open) and e.account == "Tillgångar:Socialnämnden:1690"]
    assert [(str(o.date), o.currencies) for o in opens] == [("2020-01-01", ["SEK"])]


def test_a_broken_kontoplan_file_is_reported_with_its_line(write_ledger, tmp_path):
    plan = '''namnd = "Socialnämnden"
radgrupper = ["Barn"]

[verksamheter]
"5731" = { namn = "HVB", grupp = "Barn" }
"5732" = { namn = "Familjehem", grupp = "Vuxen" }

[konton]
"4610" = { namn = "Köp" }
'''
    path, _, errors, _ = write_ledger(GOOD, kontoplan=plan)
    assert len(errors) == 1
    assert errors[0].source == {"filename": str(tmp_path / "kontoplan.toml"), "lineno": 6}
    assert "Verksamhet 5732 har gruppen 'Vuxen', som saknas i radgrupper" in errors[0].message


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ('namnd = "Socialnämnden"\n[verksamheter]\n"5731" = { namn = "HVB" grupp = "x" }\n', 3, "inte giltig TOML"),
        ('namnd = "Social nämnden"\n', 1, "namnd"),
        ('namnd = "SN"\n[verksamheter]\n"5731" = { namn = "HVB", grupp = "B" }\n[konton]\n"8590" = { namn = "Ränta" }\n', 5, "typ"),
        ('namnd = "SN"\n[verksamheter]\n"5731" = { nman = "HVB", grupp = "B" }\n', 3, "okända nyckeln 'nman'"),
        ('namnd = "SN"\n[verksamheter]\n"57 31" = { namn = "HVB", grupp = "B" }\n', 3, "går inte att använda i ett kontonamn"),
    ],
)
def test_kontoplan_faults(text, line, fragment):
    with pytest.raises(KontoplanError) as caught:
        parse_kontoplan(text, "k.toml")
    assert caught.value.line == line
    assert fragment in caught.value.message
    assert str(caught.value).startswith(f"k.toml:{line}: ")


def test_konto_typ_follows_the_kommun_bas_class():
    plan = parse_kontoplan(
        'namnd = "SN"\n[verksamheter]\n"5731" = { namn = "HVB", grupp = "B" }\n[konton]\n'
        '"1690" = { namn = "a" }\n"2011" = { namn = "b" }\n"2440" = { namn = "c" }\n'
        '"3511" = { namn = "d" }\n"4610" = { namn = "e" }\n"7810" = { namn = "f" }\n'
        '"8590" = { namn = "g", typ = "kostnad" }\n'
    )
    assert {nr: k.typ for nr, k in plan.konton.items()} == {
        "1690": "tillgång", "2011": "eget kapital", "2440": "skuld", "3511": "intäkt",
        "4610": "kostnad", "7810": "kostnad", "8590": "kostnad",
    }
    assert plan.radgrupper == ("B",)


def opens_of(entries):
    return {e.account: (e.date, e.meta) for e in entries if isinstance(e, data.Open)}


def test_a_reload_checks_every_account_again_and_opens_the_same(write_ledger, monkeypatch):
    """Nothing is remembered between loads (Fava reloads on every save): a reload checks
    every account against the kontoplan as it is then, and opens the same accounts the
    same way; a changed kontoplan's names are used."""
    import namndbok.plugins.kontoplan as plugin
    from beancount import loader

    path, first, errors, _ = write_ledger(GOOD)
    assert errors == []
    checks: list[str] = []
    real = plugin._check
    monkeypatch.setattr(plugin, "_check", lambda name, *args: checks.append(name) or real(name, *args))
    path.write_text(path.read_text(encoding="utf-8") + GOOD.replace("5731:4610:2200", "5731:4610").replace("01-31", "02-28"),
                    encoding="utf-8")
    again, errors, _ = loader.load_file(str(path))
    assert errors == []
    assert sorted(checks) == sorted({*opens_of(first), "Kostnader:Socialnämnden:5731:4610"})  # all, the new one too

    opens = opens_of
    assert {a: o for a, o in opens(again).items() if a in opens(first)} == opens(first)
    assert opens(again)["Kostnader:Socialnämnden:5731:4610"][1]["namn"] == (
        "5731 Institutionsvård (HVB) barn och unga / 4610 Köp av institutionsvård (HVB)")
    # Another name for the verksamhet in the kontoplan: every account checked again, the new name used.
    plan = path.parent / "kontoplan.toml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("Institutionsvård (HVB) barn", "HVB för barn"), encoding="utf-8")
    checks.clear()
    renamed, errors, _ = loader.load_file(str(path))
    assert errors == [] and len(checks) == 3
    assert opens(renamed)["Kostnader:Socialnämnden:5731:4610"][1]["namn"].startswith("5731 HVB för barn och unga / ")


def test_accounts_that_differ_in_ansvar_share_the_check_but_not_the_name(write_ledger):
    """What the accounts of one verksamhet and konto share is worked out once (`_Head`);
    each still gets its own ansvar in its name, an unknown ansvar its own error, and
    markup in the kontoplan's names is made harmless part by part."""
    from conftest import EXAMPLE_DIR

    plan = (EXAMPLE_DIR / "kontoplan.toml").read_text(encoding="utf-8").replace(
        '"2300" = { namn = "Familjehemsenhet"', '"2300" = { namn = "Familjehem <b>enhet</b>"')
    path, entries, errors, _ = write_ledger(GOOD + """
2026-02-28 * "Samma verksamhet och konto, olika ansvar"
  Kostnader:Socialnämnden:5731:4610          1000.00 SEK
  Kostnader:Socialnämnden:5731:4610:2300     2000.00 SEK
  Kostnader:Socialnämnden:5731:4610:2999     3000.00 SEK
  Tillgångar:Socialnämnden:1690
""", kontoplan=plan)
    assert [(e.source["lineno"], e.message.split(":")[0]) for e in errors] == [
        (line_of(path, ":2999"), "Okänt ansvar '2999' i kontot Kostnader")]
    names = {e.account.removeprefix("Kostnader:Socialnämnden:"): e.meta.get("namn") for e in entries
             if isinstance(e, data.Open) and e.account.startswith("Kostnader")}
    head = "5731 Institutionsvård (HVB) barn och unga / 4610 Köp av institutionsvård (HVB)"
    assert names["5731:4610"] == head
    assert names["5731:4610:2200"] == head + " / 2200 Placeringsenhet"
    assert names["5731:4610:2300"] == head + " / 2300 Familjehem ‹b›enhet‹/b›"
    assert names["5731:4610:2999"] is None  # opened (no second error from Beancount), pointing at no kontoplan line
