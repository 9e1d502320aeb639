"""Swedish words and number formats the user sees."""

from __future__ import annotations

MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)
MONTHS_SHORT = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def month_name(month: int) -> str:
    """'januari' for 1 … 'december' for 12."""
    return MONTHS[month - 1]
