"""Click's own words (help headings and usage errors) come out in Swedish."""

from __future__ import annotations

from click.testing import CliRunner

from scripts.cli import main


def test_help_and_usage_errors_are_swedish():
    help_text = CliRunner().invoke(main, prog_name="namndbok", args=["rapport", "--help"]).output
    assert help_text.startswith("Användning: namndbok rapport")
    assert "Flaggor:" in help_text and "Visa den här hjälpen och avsluta." in help_text
    assert "[obligatorisk]" in help_text and "Options" not in help_text

    result = CliRunner().invoke(main, prog_name="namndbok", args=["period-close"])
    assert result.exit_code == 2
    assert "Fel: Argument saknas: 'ÅÅÅÅ-MM'." in result.output
    assert "Skriv 'namndbok period-close --help' för hjälp." in result.output

    result = CliRunner().invoke(main, prog_name="namndbok", args=["uppfoljning", "--per", "2026-10", "--decimaler", "5"])
    assert "Fel: Ogiltigt värde för '--decimaler': 5 ligger inte i intervallet 0<=x<=2." in result.output
