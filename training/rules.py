"""The training-fund rule of DOMAIN.md (seed measure 11), in exact decimal arithmetic.

Extraction compliant iff extracted ≥ rate × payroll; frontline compliant iff frontline spent ≥
rate × spent, not applicable when nothing was spent. Exactly 8% and exactly 60% pass. The
shortfall is rate × payroll − extracted for a non-compliant declaration, rounded *up* to the fen:
adding that many yuan makes the declaration compliant, one fen less does not.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Evaluation:
    extraction_rate: Decimal | None  # extracted ÷ payroll (None when payroll is 0)
    extraction_compliant: bool
    shortfall: Decimal  # yuan; 0 when compliant
    frontline_share: Decimal | None  # frontline ÷ spent (None when nothing was spent)
    frontline_compliant: bool | None  # None: not applicable (nothing spent)
    usage_rate: Decimal | None  # spent ÷ extracted (None when nothing was extracted)


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """A fraction rounded half-up to 4 decimals, for display (DOMAIN.md's rate rounding)."""
    if not denominator:
        return None
    return (numerator / denominator).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def evaluate(
    *,
    payroll: Decimal,
    extracted: Decimal,
    spent: Decimal,
    frontline_spent: Decimal,
    extraction_rate: Decimal,
    frontline_rate: Decimal,
) -> Evaluation:
    # Products of two-decimal amounts and four-decimal rates are exact in Decimal's default
    # 28-digit context (at most 14 + 4 digits); nothing here is divided before comparing.
    required = extraction_rate * payroll
    extraction_compliant = extracted >= required
    shortfall = (
        Decimal(0)
        if extraction_compliant
        else (required - extracted).quantize(CENT, rounding=ROUND_UP)
    )
    frontline_compliant = None if not spent else frontline_spent >= frontline_rate * spent
    return Evaluation(
        extraction_rate=_ratio(extracted, payroll),
        extraction_compliant=extraction_compliant,
        shortfall=shortfall,
        frontline_share=_ratio(frontline_spent, spent),
        frontline_compliant=frontline_compliant,
        usage_rate=_ratio(spent, extracted),
    )
