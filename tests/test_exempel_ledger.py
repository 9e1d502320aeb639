"""The example committee: loads clean, and holds what its generator intended."""

from __future__ import annotations

from collections import defaultdict

from beancount.core import data

from namndbok.accounts import KIND_KOMMUNBIDRAG, KIND_KOSTNAD, RESULT_KINDS, Roots, parse_account
from namndbok.kontoplan import load_kontoplan
from namndbok.scripts import exempel
from namndbok.scripts.exempel import amounts, spec, utfall

from conftest import EXAMPLE_DIR


def totals_by_verksamhet(entries, options_map, year: int) -> dict[tuple[str, str], int]:
    """Öre per (verksamhet, kind) for a year, in report sign (kostnader negative)."""
    roots = Roots.from_options(options_map)
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for entry in data.filter_txns(entries):
        if entry.date.year != year:
            continue
        for posting in entry.postings:
            ref = parse_account(posting.account, roots)
            if ref.kind in RESULT_KINDS:
                assert posting.units.currency == "SEK"
                totals[(ref.verksamhet, ref.kind)] -= int(posting.units.number * 100)
    return dict(totals)


def test_example_loads_without_errors(example_ledger):
    entries, errors, _ = example_ledger
    assert errors == []
    assert len(list(data.filter_txns(entries))) > 250


def test_2025_totals_per_verksamhet_are_the_intended_ones(example_ledger):
    entries, _, options_map = example_ledger
    found = totals_by_verksamhet(entries, options_map, 2025)
    intended = {
        (verksamhet, kind): amounts.mnkr_to_ore(amount)
        for verksamhet, row in spec.TOTALS[2025].items()
        for kind, amount in zip(RESULT_KINDS, row)
        if amounts.mnkr_to_ore(amount)
    }
    # The council's repayment plan gave the whole nämnd 20 mnkr extra in 2025.
    intended[(None, KIND_KOMMUNBIDRAG)] = 20_000_000_00
    assert found == intended
    # Spot checks against the table in scripts/exempel/spec.py, in öre.
    assert found[("5731", KIND_KOSTNAD)] == -236_500_000_00
    assert found[("610", "intäkt")] == 41_500_000_00
    assert sum(v for (_, kind), v in found.items() if kind == KIND_KOMMUNBIDRAG) == 919_000_000_00
    årets_resultat = sum(found.values())
    assert årets_resultat == 4_900_000_00


def test_earlier_years_have_their_intended_results(example_ledger):
    entries, _, options_map = example_ledger
    for year, result in ((2023, -9_500_000_00), (2024, -20_000_000_00)):
        found = totals_by_verksamhet(entries, options_map, year)
        assert sum(found.values()) == result
        assert found == {k: v for k, v in utfall.intended_totals(year).items() if v}


def test_2026_january_to_october(example_ledger):
    entries, _, options_map = example_ledger
    found = totals_by_verksamhet(entries, options_map, 2026)
    intended = {k: v for k, v in utfall.intended_totals(2026, months=10).items() if v}
    assert found == intended
    months = sorted({e.date.month for e in data.filter_txns(entries) if e.date.year == 2026})
    assert months == list(range(1, 11))


def test_example_is_of_realistic_size(example_ledger):
    entries, _, options_map = example_ledger
    plan = load_kontoplan(EXAMPLE_DIR / "kontoplan.toml")
    assert 30 <= len(plan.konton) <= 60
    assert set(plan.verksamheter) >= {"5731", "5732", "5733", "5739", "571", "572", "550", "581", "589", "610", "010"}
    assert len(plan.ansvar) >= 5
    used_ansvar = {parse_account(o.account, Roots.from_options(options_map)).ansvar
                   for o in entries if isinstance(o, data.Open)} - {None}
    assert len(used_ansvar) == len(plan.ansvar)


def test_generator_reproduces_the_committed_files():
    generated = exempel.files(EXAMPLE_DIR)
    assert len(generated) == 3 * 12 + 10 + 4 + 3 + 8 + 2 + 1  # utfall, budget, beslut, prognos, volymer, SIE export
    for path, content in generated.items():
        assert (path.read_bytes() if isinstance(content, bytes) else path.read_text(encoding="utf-8")) == content, path


def test_split_exact_keeps_the_total():
    for total in (0, 1, -1, 10_000_000_01, -899_000_000_00):
        parts = amounts.split_exact(total, [3, 1.5, 0, 7.25, 1])
        assert sum(parts) == total
        assert parts[2] == 0
