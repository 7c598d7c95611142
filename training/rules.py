"""The training-fund rule of DOMAIN.md (seed measure 11), in exact decimal arithmetic.

Extraction compliant iff extracted ≥ rate × payroll; frontline compliant iff frontline spent ≥
rate × spent, not applicable when nothing was spent. Exactly 8% and exactly 60% pass. The
shortfall is rate × payroll − extracted for a non-compliant declaration, rounded *up* to the fen:
adding that many yuan makes the declaration compliant, one fen less does not.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

from core.rates import percent_beside_threshold

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
    # For display beside the verdicts: the unrounded ratios and the rule's rates they are held
    # against (a rate rounded half-up could read 8.00% beside 不足; core.rates).
    extraction_ratio: Decimal | None = None
    frontline_ratio: Decimal | None = None
    required_extraction_rate: Decimal | None = None
    required_frontline_rate: Decimal | None = None

    @property
    def extraction_rate_shown(self) -> str:
        """提取比例 as shown beside 达标/不足: 7.9999% reads 7.99%, never 8.00%."""
        return percent_beside_threshold(self.extraction_ratio, self.required_extraction_rate)

    @property
    def frontline_share_shown(self) -> str:
        """一线占比 as shown beside 达标/不足 (truncated, like the extraction rate)."""
        return percent_beside_threshold(self.frontline_ratio, self.required_frontline_rate)


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
        extraction_ratio=extracted / payroll if payroll else None,
        frontline_ratio=frontline_spent / spent if spent else None,
        required_extraction_rate=extraction_rate,
        required_frontline_rate=frontline_rate,
    )


# ----------------------------------------------------------------------------------------------
# Skills competitions and the "六个有" standard (seed measures 6 and 7).

PRIZES = ("特等奖", "一等奖", "二等奖", "三等奖", "优秀奖")
TOOK_PART = ("参赛", "参与", "参加")
_PLACE = re.compile(r"第([0-9]{1,3}|[一二三四五六七八九十]{1,3})名")


def prize_of(text: str) -> str | None:
    """The prize a 获奖等次 cell names, normalised ("" = took part), or None when it names
    none of DOMAIN.md's forms (一等奖, 二等奖, 三等奖, 优秀奖, 第N名; blank = took part)."""
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    if compact in ("", *TOOK_PART):
        return ""
    if compact in PRIZES or _PLACE.fullmatch(compact):
        return compact
    return None


def is_prize(prize: str) -> bool:
    """A prize, not a mere entry (DOMAIN.md: blank means took part)."""
    return bool(prize_of(prize or ""))


@dataclass(frozen=True)
class Shortfall:
    criterion_id: int
    criterion: str
    reason: str  # "not_met" or "not_checked"


def institute_shortfalls(
    criteria: list[tuple[int, str]], checks: dict[int, bool]
) -> list[Shortfall]:
    """The active criteria an institute falls short on: checked and not met, or never checked.
    `criteria` is (id, name) of every active criterion; `checks` criterion id → met."""
    result = []
    for criterion_id, name in criteria:
        if criterion_id not in checks:
            result.append(Shortfall(criterion_id, name, "not_checked"))
        elif not checks[criterion_id]:
            result.append(Shortfall(criterion_id, name, "not_met"))
    return result
