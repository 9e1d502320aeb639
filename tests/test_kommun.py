"""The kommun: `namndbok kommun KATALOG` (namndbok.kommun), its figures against each nämnd's own
`namndbok uppfoljning` and `namndbok eget-kapital`, the finansförvaltning, and
`namndbok period-close ÅÅÅÅ-MM --kommun-katalog` (namndbok.kommun_close)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from click.testing import CliRunner

from conftest import line_of, snapshot
from kommun_builder import BUDGET, FINANS_KONTOPLAN, MONTHLY, PROGNOS, add_finans, build_kommun

from namndbok.scripts.cli import main

PER = "2026-10"


def cli(*args):
    """`namndbok ARGS`: (exit code, stdout, stderr)."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def number(cell: str) -> Decimal | str | None:
    """A CSV cell as a Decimal (a percentage stays text)."""
    return None if not cell else cell if cell.endswith("%") else Decimal(cell.replace(",", "."))


def csv_rows(text: str) -> dict[str, list]:
    """label → the row's numbers (CSV for Swedish Excel, kronor with two decimals)."""
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    return {line[0]: [number(c) for c in line[1:]] for line in lines[1:]}


def own_figures(ledger):
    """A nämnd's figures from its own CLI: (uppfoljning by typ, columns by header), eget kapital's utgående by prognos."""
    code, out, err = cli("uppfoljning", ledger, "--per", PER, "--grupp", "typ", "--urval", "resultat",
                         "--format", "csv", "--enhet", "kr", "--decimaler", "2")
    assert code == 0, err
    headers = next(csv.reader(io.StringIO(out), delimiter=";"))[1:]
    by_typ = {label: dict(zip(headers, values)) for label, values in csv_rows(out).items()}
    code, out, err = cli("eget-kapital", ledger, "--per", PER, "--format", "csv", "--enhet", "kr", "--decimaler", "2")
    assert code == 0, err
    ek_headers = next(csv.reader(io.StringIO(out), delimiter=";"))[1:]
    utgaende = dict(zip(ek_headers, csv_rows(out)["Utgående eget kapital (inklusive årets resultat)"]))
    return by_typ, utgaende["2026 prognos"]


@pytest.fixture(scope="module")
def kommun(tmp_path_factory):
    """The test kommun, its finansförvaltning paying exactly the nämnder's kommunbidrag (taken from their own
    `uppfoljning`), and each nämnd's own figures: (folder, {folder name: (by typ, eget kapital)})."""
    folder = build_kommun(tmp_path_factory.mktemp("kommun"))
    own = {name: own_figures(folder / name / "socialnamnden.beancount") for name in ("omsorgsnamnden", "socialnamnden")}
    budget = sum(by_typ["Kommunbidrag"]["Budget helår"] for by_typ, _ in own.values())
    utfall = sum(by_typ["Kommunbidrag"]["Utfall okt 2026"] for by_typ, _ in own.values())
    add_finans(folder, budget, utfall)
    return folder, own


def test_the_kommun_table_is_each_nämnds_own_figures_and_the_kommuns_result_by_hand(kommun):
    folder, own = kommun
    code, out, err = cli("kommun", folder, "--per", PER, "--format", "csv", "--enhet", "kr", "--decimaler", "2")
    assert code == 0, err
    assert err == ""  # the kommunbidrag matches: no warning
    rows = csv_rows(out)
    assert list(rows) == ["Omsorgsnämnden", "Socialnämnden", "Summa nämnder", "Skatteintäkter",
                          "Generella statsbidrag och utjämning", "Finansnetto", "Kommunbidrag till nämnderna",
                          "Kommunens årets resultat"]
    nettos = []
    for label, name in (("Omsorgsnämnden", "omsorgsnamnden"), ("Socialnämnden", "socialnamnden")):
        by_typ, eget_kapital = own[name]
        netto = {column: by_typ["Intäkter"][column] + by_typ["Kostnader"][column]
                 for column in ("Utfall okt 2026", "Budget helår", "Prognos helår")}
        nettos.append(netto)
        assert rows[label] == [by_typ["Kommunbidrag"]["Budget helår"], netto["Utfall okt 2026"], netto["Budget helår"],
                               netto["Prognos helår"], netto["Prognos helår"] - netto["Budget helår"], eget_kapital]
    assert rows["Summa nämnder"][1:4] == [sum(n[c] for n in nettos) for c in ("Utfall okt 2026", "Budget helår", "Prognos helår")]
    # The finansförvaltning as written in its ledger (committee sign: revenues positive), and the result by hand.
    skatt = [-MONTHLY["8010"] * 10, -BUDGET["8010"], -PROGNOS["8010"]]
    statsbidrag = [-MONTHLY["8210"] * 10, -BUDGET["8210"], -PROGNOS["8210"]]
    finansnetto = [-(MONTHLY[k] * 10) for k in ("8410", "8510")], [-BUDGET[k] for k in ("8410", "8510")], \
        [-PROGNOS[k] for k in ("8410", "8510")]
    finansnetto = [sum(parts) for parts in finansnetto]
    assert rows["Skatteintäkter"][1:4] == skatt
    assert rows["Generella statsbidrag och utjämning"][1:4] == statsbidrag
    assert rows["Finansnetto"][1:4] == finansnetto
    by_hand = [skatt[i] + statsbidrag[i] + finansnetto[i] + rows["Summa nämnder"][1 + i] for i in range(3)]
    assert rows["Kommunens årets resultat"] == [None, *by_hand, by_hand[2] - by_hand[1], None]
    # Σ nämnder (kommunbidrag + nettokostnad) + finansförvaltningen (its whole result) is the same figure.
    kb = [sum(own[n][0]["Kommunbidrag"][c] for n in own) for c in ("Utfall okt 2026", "Budget helår", "Prognos helår")]
    finans = [skatt[i] + statsbidrag[i] + finansnetto[i] + rows["Kommunbidrag till nämnderna"][1 + i] for i in range(3)]
    assert [kb[i] + rows["Summa nämnder"][1 + i] + finans[i] for i in range(3)] == by_hand


def test_the_table_prints_in_every_format_with_the_same_cells(kommun, tmp_path):
    folder, _ = kommun
    code, markdown, _ = cli("kommun", folder, "--per", PER, "--format", "markdown")
    assert code == 0
    assert "| **Kommunens årets resultat** |  | **" in markdown
    code, out, err = cli("kommun", folder, "--per", PER, "--format", "xlsx", "--ut", tmp_path / "k.xlsx")
    assert code == 0, err
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "k.xlsx").active
    _, text, _ = cli("kommun", folder, "--per", PER, "--format", "csv")
    printed = csv_rows(text)
    for row in sheet.iter_rows(min_row=2, values_only=True):
        assert [None if v is None else round(Decimal(str(v)), 1) for v in row[1:]] == printed[row[0]]
    code, _, err = cli("kommun", folder, "--per", PER, "--ut", tmp_path / "x.xlsx")
    assert code != 0 and "--ut gäller bara --format xlsx" in err


def test_kommunbidrag_the_finansforvaltning_does_not_pay_is_a_warning_with_both_figures(tmp_path):
    folder = build_kommun(tmp_path)
    add_finans(folder, Decimal("1857697200.00"), Decimal("1500000000.00"))
    code, out, err = cli("kommun", folder, "--per", PER, "--enhet", "kr", "--decimaler", "2", "--format", "csv")
    assert code == 0, err
    assert "Varning: nämndernas kommunbidrag (utfall t.o.m. 2026-10-31) är 1 548 081 000,02 kr men " \
           "finansförvaltningen betalar ut 1 500 000 000,00 kr (skillnad 48 081 000,02 kr)" in err
    assert "budget 2026" not in err  # the budget matches
    rows = csv_rows(out)
    # the result is the kommun's own: without the kommunbidrag, whatever was paid
    assert rows["Kommunens årets resultat"][1] == (-(MONTHLY["8010"] + MONTHLY["8210"] + MONTHLY["8410"] + MONTHLY["8510"]) * 10
                                                   + rows["Summa nämnder"][1])


def test_a_kommun_without_finansforvaltning_has_no_result_and_says_why(tmp_path):
    folder = build_kommun(tmp_path)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)  # KATALOG defaults to the working folder
        code, out, err = cli("kommun", "--per", PER, "--format", "csv")
    assert code == 0, err
    assert list(csv_rows(out)) == ["Omsorgsnämnden", "Socialnämnden", "Summa nämnder"]
    assert "ingen finansförvaltning" in err


def test_a_nämnd_with_errors_is_named_with_its_file_and_line_and_nothing_is_written(kommun, tmp_path):
    folder = build_kommun(tmp_path)
    add_finans(folder, Decimal(0), Decimal(0))
    ledger = folder / "omsorgsnamnden" / "socialnamnden.beancount"
    with ledger.open("a", encoding="utf-8") as f:
        f.write('\n2026-10-15 * "Felbokning"\n  Kostnader:Socialnämnden:999:4610  100.00 SEK\n'
                "  Tillgångar:Socialnämnden:1690\n")
    line = line_of(ledger, "Kostnader:Socialnämnden:999:4610")
    before = snapshot(folder)
    code, out, err = cli("kommun", folder, "--per", PER)
    assert code == 1 and out == ""
    assert f"Nämnden i {folder / 'omsorgsnamnden'} kan inte läsas: Liggaren har 1 fel ({ledger}:{line}: " in err
    assert "Okänd verksamhet '999'" in err and "Traceback" not in err
    code, out, err = cli("period-close", PER, "--kommun-katalog", folder, "--utan-pdf")
    assert code == 1
    assert f"Perioden 2026-10 kan inte stängas för kommunen: Nämnden i {folder / 'omsorgsnamnden'} kan inte läsas" in err
    assert f"{ledger}:{line}" in err
    assert snapshot(folder) == before
    assert not any(p.name == "rapporter" for p in folder.rglob("*"))


def test_period_close_for_the_kommun_writes_every_nämnds_set_and_the_kommuns(kommun):
    folder, _ = kommun
    code, out, err = cli("period-close", PER, "--kommun-katalog", folder)
    assert code == 0, err
    target = folder / "rapporter" / PER
    assert sorted(p.name for p in target.iterdir()) == ["README.md", "kommun.csv", "kommun.md", "kommun.xlsx",
                                                         "rapport.html", "rapport.pdf"]
    assert (target / "rapport.pdf").read_bytes().startswith(b"%PDF")
    _, printed, _ = cli("kommun", folder, "--per", PER, "--format", "csv")
    assert (target / "kommun.csv").read_text(encoding="utf-8") == printed
    _, printed, _ = cli("kommun", folder, "--per", PER, "--format", "markdown")
    assert (target / "kommun.md").read_text(encoding="utf-8").startswith(printed)
    html = (target / "rapport.html").read_text(encoding="utf-8")
    index = (target / "README.md").read_text(encoding="utf-8")
    for name, label in (("omsorgsnamnden", "Omsorgsnämnden"), ("socialnamnden", "Socialnämnden")):
        own = folder / name / "rapporter" / PER
        assert (own / "README.md").exists() and (own / "rapport.pdf").exists()
        link = f"../../{name}/rapporter/{PER}/README.md"
        assert f"[{label}]({link})" in index
        assert (target / link).resolve() == (own / "README.md").resolve()
        assert f'<a href="{link}">{label}</a>' in html
    # The nämnd's own set is the one `namndbok period-close` writes: run again in its folder, nothing changes.
    code, out, err = cli("period-close", PER, folder / "socialnamnden" / "socialnamnden.beancount")
    assert code == 0, err
    assert "(0 ändrade)" in out
    code, out, err = cli("period-close", PER, "--kommun-katalog", folder)
    assert code == 0, err
    assert out.count("(0 ändrade)") == 3


def test_a_period_a_nämnd_cannot_close_names_the_nämnd_and_writes_nothing(kommun, tmp_path):
    folder = build_kommun(tmp_path)
    add_finans(folder, Decimal(0), Decimal(0))
    before = snapshot(folder)
    code, out, err = cli("period-close", "2026-11", "--kommun-katalog", folder, "--utan-pdf")
    assert code == 1
    assert f"Nämnden i {folder / 'omsorgsnamnden'}: perioden 2026-11 kan inte stängas: Utfall saknas för november 2026." in err
    assert snapshot(folder) == before and not any(p.name == "rapporter" for p in folder.rglob("*"))
    code, _, err = cli("period-close", PER, folder / "socialnamnden" / "socialnamnden.beancount", "--kommun-katalog", folder)
    assert code == 2 and "inte båda" in err
    code, _, err = cli("period-close", PER, "--kommun-katalog", folder, "--las")
    assert code == 2 and "--las gäller en nämnd i taget" in err


def test_a_finansforvaltning_konto_without_finanspost_is_refused_at_its_kontoplan_line(tmp_path):
    folder = build_kommun(tmp_path)
    plan = FINANS_KONTOPLAN.replace(', finanspost = "kommunbidrag"', "")
    add_finans(folder, Decimal(0), Decimal(0), kontoplan=plan)
    path = folder / "finansforvaltning" / "kontoplan.toml"
    kb_line = line_of(path, '"KB"')
    code, _, err = cli("kommun", folder, "--per", PER)
    assert code == 1
    assert f"{path}:{kb_line}: konto KB (Kommunbidrag till nämnderna) har ingen finanspost." in err
    path.write_text(FINANS_KONTOPLAN.replace('finanspost = "kommunbidrag"', 'finanspost = "skatt"'), encoding="utf-8")
    code, _, err = cli("kommun", folder, "--per", PER)
    assert code == 1
    assert f"Finansförvaltningen kan inte läsas: Liggaren har 1 fel ({path}:{kb_line}: Konto KB: " \
           "finanspost ska vara ett av skatteintakter, statsbidrag, finansnetto, kommunbidrag" in err


def test_finanspost_follows_kommun_bas_class_8_or_is_written_out_on_a_result_konto(tmp_path):
    from namndbok.kontoplan import KontoplanError, parse_kontoplan

    plan = parse_kontoplan(FINANS_KONTOPLAN)
    assert {nr: k.finanspost for nr, k in plan.konton.items()} == {
        "1930": None, "8010": "skatteintakter", "8210": "statsbidrag", "8410": "finansnetto", "8510": "finansnetto",
        "KB": "kommunbidrag"}
    wrong = FINANS_KONTOPLAN.replace('"1930" = { namn = "Bank" }', '"1930" = { namn = "Bank", finanspost = "finansnetto" }')
    line = FINANS_KONTOPLAN.splitlines().index('"1930" = { namn = "Bank" }') + 1
    with pytest.raises(KontoplanError, match=rf"<kontoplan>:{line}: Konto 1930: finanspost gäller intäkts- och kostnadskonton"):
        parse_kontoplan(wrong)


def test_a_folder_that_is_no_kommun_is_said_in_swedish(tmp_path):
    code, out, err = cli("kommun", tmp_path, "--per", PER)
    assert code == 1 and out == ""
    assert "har ingen nämnd" in err and "Traceback" not in err


def test_period_close_for_the_kommun_takes_every_nämnds_write_lock_first(tmp_path, monkeypatch):
    from test_skrivlas import _hold_lock

    folder = build_kommun(tmp_path)
    add_finans(folder, Decimal(0), Decimal(0))
    ledger = folder / "socialnamnden" / "socialnamnden.beancount"  # the second in folder order
    before = snapshot(folder)
    monkeypatch.setenv("NAMNDBOK_VANTA", "1")
    holder = _hold_lock(ledger, 30)
    try:
        code, out, err = cli("period-close", PER, "--kommun-katalog", folder, "--utan-pdf")
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert code == 1
    assert f"`namndbok import` (process {holder.pid}) skriver fortfarande i liggaren {ledger} efter 1 s." in err
    assert snapshot(folder) == before and not any(p.name == "rapporter" for p in folder.rglob("*"))


def test_a_finansforvaltning_prognos_on_a_verksamhet_is_refused_at_its_line(tmp_path):
    folder = build_kommun(tmp_path)
    ledger = add_finans(folder, Decimal(0), Decimal(0))
    with ledger.open("a", encoding="utf-8") as f:
        f.write('2026-10-31 custom "prognos" Intäkter:Finansförvaltningen:Fin  -1000.00 SEK\n')
    code, _, err = cli("kommun", folder, "--per", PER)
    assert code == 1
    assert f"{ledger}:{line_of(ledger, 'Intäkter:Finansförvaltningen:Fin  -1000.00')}: finansförvaltningens utfall, " \
           "budget och prognos ska stå på konton" in err
