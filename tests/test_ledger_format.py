"""Git as the audit trail: every ledger file we write is a fixed point of bean-format."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from namndbok.scripts.cli import main

from conftest import EXAMPLE_DIR

BEAN_FORMAT = Path(sys.executable).parent / "bean-format"


def unformatted(paths) -> list[str]:
    """The files bean-format would change."""
    out = []
    for path in paths:
        formatted = subprocess.run([str(BEAN_FORMAT), str(path)], capture_output=True, text=True, check=True).stdout
        if formatted != path.read_text(encoding="utf-8"):
            out.append(str(path))
    return out


def test_every_file_of_the_example_is_as_bean_format_writes_it():
    files = sorted(EXAMPLE_DIR.rglob("*.beancount"))
    assert len(files) > 40
    assert unformatted(files) == []


def test_files_written_by_import_and_bokslut_stay_as_bean_format_writes_them(example_copy, tmp_path):
    ledger = example_copy
    copy = ledger.parent
    before = {p: p.read_bytes() for p in copy.rglob("*.beancount")}
    result = CliRunner().invoke(main, ["import", str(copy / "import" / "sie-2026-11.se"), str(ledger), "--lage", "detaljerad"])
    assert result.exit_code == 0, result.output
    changed = [p for p in copy.rglob("*.beancount") if before.get(p) != p.read_bytes()]
    assert [p.relative_to(copy).as_posix() for p in changed] == ["2026/utfall/2026-11.beancount"]
    assert unformatted(changed) == []
    # A volume list appended to an existing file realigns it the way bean-format would.
    volumes = tmp_path / "volymer.csv"
    volumes.write_text("verksamhet;enhet;månad;antal\n5731;vårddygn;2026-11;412\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import-volymer", str(volumes), str(ledger)])
    assert result.exit_code == 0, result.output
    assert unformatted([copy / "2026" / "volymer.beancount"]) == []


def test_canonical_is_bean_formats_alignment_on_every_example_file_and_variants():
    from beancount.scripts.format import align_beancount

    from namndbok.ledgerfile import canonical

    files = sorted(EXAMPLE_DIR.rglob("*.beancount"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        for variant in (text, text.replace("  ", " "), text.replace("\n  ", "\n\t"), text.replace(" SEK", "  SEK ; x"),
                        text.replace("\n", "\r\n"), text + "\n2026-01-01 price ÄÖ 12.5 SEK\n  ½ 1 SEK\n\u2028 Kostnader:A 1 SEK"):
            assert outcome(canonical, variant) == outcome(align_beancount, variant), path


def outcome(align, text: str):
    try:
        return align(text)
    except AssertionError:  # bean-format's check that only white space changed
        return AssertionError


def test_entries_are_rendered_as_beancounts_printer_would_have_them_aligned():
    import datetime
    from decimal import Decimal

    from beancount.core import amount, data, position
    from beancount.parser import printer

    from namndbok.importers.writer import render_entries
    from namndbok.ledgerfile import canonical

    def posting(account, number, meta=None, **other):
        return data.Posting(account, amount.Amount(Decimal(number), "SEK"), other.get("cost"), other.get("price"),
                            other.get("flag"), meta)

    plain = [posting("Kostnader:Socialnämnden:5731:4610:2200", "1234.50", {"projekt": 'P"1\\'}),
             posting("Intäkter:Socialnämnden:010:3320", "-12"), posting("Tillgångar:Socialnämnden:1690", "-1222.50")]
    odd = [
        [posting("Kostnader:A:1", "0.0000001"), posting("Tillgångar:A:2", "-0.0000001")],  # exponent form
        [posting("Kostnader:A:1", "10", flag="!"), posting("Tillgångar:A:2", "-10")],
        [posting("Kostnader:A:1", "10", price=amount.Amount(Decimal("2"), "USD")), posting("Tillgångar:A:2", "-20")],
        [posting("Kostnader:A:1", "10", cost=position.Cost(Decimal("2"), "USD", None, None)), posting("Tillgångar:A:2", "-20")],
        [posting("Kostnader:a:1", "10"), posting("Tillgångar:A:2", "-10")],  # an account bean-format's pattern does not take
    ]
    entries = [data.Transaction({"filename": "x", "lineno": 1, "kalla": "k", "importid": f"k/{n}", "annat": 1},
                                datetime.date(2026, 1, 1 + n), "*", None, f'Text "{n}" \\ med tecken', data.EMPTY_SET,
                                data.EMPTY_SET, postings) for n, postings in enumerate([plain, *odd])]
    head = "; Huvud\n"
    by_printer = "\n".join(printer.format_entry(e._replace(meta={"kalla": "k", "importid": e.meta["importid"]})) for e in entries)
    assert canonical(head + render_entries(entries)) == canonical(head + by_printer)
    assert 'projekt: "P\\"1\\\\"' in render_entries(entries)
