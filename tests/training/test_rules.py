"""The 8%/60% rule of DOMAIN.md, checked against an independent computation in whole fen."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training.rules import evaluate

fen = st.integers(min_value=0, max_value=99_999_999_999_99)  # up to 999,999,999,999.99 yuan
ten_thousandths = st.integers(min_value=0, max_value=10_000)  # rates 0.0000 … 1.0000


def yuan(fen_amount: int) -> Decimal:
    return Decimal(fen_amount) / 100


def oracle(payroll, extracted, spent, frontline, extraction_rate, frontline_rate):
    """Integers and fractions only: fen × ten-thousandths, no decimal arithmetic at all."""
    required = Fraction(payroll * extraction_rate, 10_000)  # in fen
    extraction_ok = extracted >= required
    missing = required - extracted
    shortfall_fen = 0 if extraction_ok else -((-missing.numerator) // missing.denominator)
    frontline_ok = None if spent == 0 else frontline * 10_000 >= frontline_rate * spent
    return extraction_ok, shortfall_fen, frontline_ok


@given(
    payroll=fen,
    extracted=fen,
    spent=fen,
    frontline_part=st.fractions(min_value=0, max_value=1),
    extraction_rate=ten_thousandths,
    frontline_rate=ten_thousandths,
)
def test_rule_equals_an_exact_integer_computation(
    payroll, extracted, spent, frontline_part, extraction_rate, frontline_rate
):
    frontline = int(spent * frontline_part)
    result = evaluate(
        payroll=yuan(payroll),
        extracted=yuan(extracted),
        spent=yuan(spent),
        frontline_spent=yuan(frontline),
        extraction_rate=Decimal(extraction_rate) / 10_000,
        frontline_rate=Decimal(frontline_rate) / 10_000,
    )
    extraction_ok, shortfall_fen, frontline_ok = oracle(
        payroll, extracted, spent, frontline, extraction_rate, frontline_rate
    )
    assert result.extraction_compliant is extraction_ok
    assert result.shortfall == yuan(shortfall_fen)
    assert result.frontline_compliant is frontline_ok
    # Adding the shortfall makes a declaration compliant; one fen less does not.
    if not extraction_ok:
        assert oracle(
            payroll, extracted + shortfall_fen, spent, frontline, extraction_rate, frontline_rate
        )[0]
        assert not oracle(
            payroll,
            extracted + shortfall_fen - 1,
            spent,
            frontline,
            extraction_rate,
            frontline_rate,
        )[0]


def rule(payroll, extracted, spent="0", frontline="0", rates=("0.08", "0.60")):
    return evaluate(
        payroll=Decimal(payroll),
        extracted=Decimal(extracted),
        spent=Decimal(spent),
        frontline_spent=Decimal(frontline),
        extraction_rate=Decimal(rates[0]),
        frontline_rate=Decimal(rates[1]),
    )


def test_exactly_eight_percent_passes_and_one_fen_under_fails():
    assert rule("1234567.89", "98765.43").extraction_compliant is False  # 8% is 98765.4312
    assert rule("1234567.89", "98765.44").extraction_compliant is True
    exactly = rule("1000000.00", "80000.00")
    assert exactly.extraction_compliant is True and exactly.shortfall == 0
    under = rule("1000000.00", "79999.99")
    assert under.extraction_compliant is False and under.shortfall == Decimal("0.01")


def test_shortfall_is_rounded_up_to_the_fen():
    result = rule("100.01", "8.00")  # 8% is 8.0008
    assert result.extraction_compliant is False
    assert result.shortfall == Decimal("0.01")
    assert rule("0.10", "0").shortfall == Decimal("0.01")  # 0.008 yuan
    assert rule("1000000", "0").shortfall == Decimal("80000.00")


def test_exactly_sixty_percent_of_spending_on_frontline_passes():
    assert rule("0", "0", spent="1000.00", frontline="600.00").frontline_compliant is True
    assert rule("0", "0", spent="1000.00", frontline="599.99").frontline_compliant is False
    assert rule("0", "0", spent="0.03", frontline="0.02").frontline_compliant is True  # 66.7%


def test_nothing_spent_is_not_applicable_and_payroll_zero_needs_nothing():
    nothing = rule("500000", "40000", spent="0", frontline="0")
    assert nothing.frontline_compliant is None
    assert nothing.frontline_share is None
    assert nothing.usage_rate == Decimal("0")
    zero = rule("0", "0")
    assert zero.extraction_compliant is True and zero.shortfall == 0
    assert zero.extraction_rate is None and zero.usage_rate is None


def test_displayed_rates_are_rounded_half_up_to_four_places():
    result = rule("3", "1", spent="3", frontline="2")
    assert result.extraction_rate == Decimal("0.3333")
    assert result.frontline_share == Decimal("0.6667")
    assert result.usage_rate == Decimal("3.0000")
    assert rule("20000", "1601").extraction_rate == Decimal("0.0801")  # 0.08005 → up


def test_other_rates_for_a_year_are_applied():
    assert rule("1000", "50", rates=("0.05", "0.60")).extraction_compliant is True
    assert rule("1000", "50").extraction_compliant is False


@pytest.mark.parametrize(
    "value,threshold,shown",
    [
        ("0.079999", "0.08", "7.99%"),  # issue 16: not 8.00% beside 不足
        ("0.08", "0.08", "8.00%"),
        ("0.0800001", "0.08", "8.00%"),
        ("0.5999999", "0.6", "59.99%"),
        ("0.12345", "0.08", "12.34%"),
        ("0.0800511", "0.080051", "8.0051%"),  # two decimals would read under the rule it passes
        (None, "0.08", "—"),
    ],
)
def test_rates_beside_a_verdict_are_truncated_to_stay_on_their_side(value, threshold, shown):
    from core.rates import percent_beside_threshold

    value = None if value is None else Decimal(value)
    assert percent_beside_threshold(value, Decimal(threshold)) == shown


def test_the_evaluation_shows_7_9999_percent_as_7_99_beside_not_compliant():
    result = evaluate(
        payroll=Decimal("1000000.00"),
        extracted=Decimal("79999.00"),
        spent=Decimal("0"),
        frontline_spent=Decimal("0"),
        extraction_rate=Decimal("0.08"),
        frontline_rate=Decimal("0.6"),
    )
    assert not result.extraction_compliant
    assert result.extraction_rate_shown == "7.99%"
    assert result.frontline_share_shown == "—"
