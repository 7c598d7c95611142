"""How every figure of the portal is turned into a rate (DOMAIN.md: report figures)."""

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal


def rate(numerator: int, denominator: int) -> float | None:
    """A fraction rounded half-up to 4 decimals; null over an empty total (DOMAIN.md)."""
    if not denominator:
        return None
    value = (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )
    return float(value)


def percent_beside_threshold(value: Decimal | None, threshold: Decimal | None) -> str:
    """A rate (a fraction, unrounded) shown next to its verdict against `threshold`: "7.99%"
    for 7.9999% beside 不足, never "8.00%". Truncated to two decimals; more decimals (up to
    eight) when two would put the shown figure on the other side of the threshold than the
    rate itself. "—" for a rate over nothing."""
    if value is None:
        return "—"
    percent = Decimal(value) * 100
    limit = None if threshold is None else Decimal(threshold) * 100
    for places in range(2, 9):
        shown = percent.quantize(Decimal(1).scaleb(-places), rounding=ROUND_FLOOR)
        if limit is None or (shown >= limit) == (percent >= limit):
            break
    return "%s%%" % shown
