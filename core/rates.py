"""How every figure of the portal is turned into a rate (DOMAIN.md: report figures)."""

from decimal import ROUND_HALF_UP, Decimal


def rate(numerator: int, denominator: int) -> float | None:
    """A fraction rounded half-up to 4 decimals; null over an empty total (DOMAIN.md)."""
    if not denominator:
        return None
    value = (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )
    return float(value)
