"""Exact integer arithmetic in öre for the example generator."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from namndbok.scripts.exempel.spec import MNKR


def mnkr_to_ore(text: str) -> int:
    """'-236.5' mnkr → öre, exactly."""
    return int(Decimal(text) * MNKR)


def split_exact(total: int, weights: list) -> list[int]:
    """Split an integer total over weights; the parts sum to the total exactly."""
    weight_sum = sum(weights)
    if weight_sum == 0:
        raise ValueError("all weights are zero")
    raw = [total * w / weight_sum for w in weights]
    parts = [int(r) for r in raw]  # truncates towards zero
    step = 1 if total >= 0 else -1
    missing = total - sum(parts)
    order = sorted(range(len(raw)), key=lambda i: (-abs(raw[i] - parts[i]), i))
    for i in order[: abs(missing)]:
        parts[i] += step
    return parts


def scale(ore: int, factor: str | Decimal, unit: int = 100_000) -> int:
    """`ore` × factor, rounded half up to a whole `unit` (default 1 tkr)."""
    value = Decimal(ore) * Decimal(factor) / unit
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP)) * unit


def format_ore(ore: int) -> str:
    """Beancount number with two decimals: -123456 → '-1234.56'."""
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    return f"{sign}{kronor}.{rest:02d}"
