"""What HR and staff find about the training fund, training records and skills on the home
page (core.home)."""

import datetime
from typing import Any

from django.db.models import FilteredRelation, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.home import HomeItem, register_home_section
from core.roles import acts_for_enterprises, is_sub_district_staff
from enterprises.selectors import enterprises_acted_for
from imports.home import previews_to_confirm
from training.models import FundRule
from training.record_importer import TRAINING_RECORDS
from training.rules import evaluate
from training.selectors import DEFAULT_RATES


def fund_year(today: datetime.date) -> int:
    """The year being declared: a year's declaration is made once its payroll is known, after
    it ends (DOMAIN.md: fund_year), as the compliance page shows by default."""
    return today.year - 1


def funds_needing_action(user: Any, year: int) -> int:
    """The enterprises the user acts for (HR their own, staff all) that have not declared the
    fund for `year` or whose declaration fails the 8%/60% rule of that year (seed measure 11).
    One query; the rule is applied in exact decimals (training.rules.evaluate)."""
    rule = FundRule.objects.filter(year=year)
    rows = (
        enterprises_acted_for(user)
        .select_related(None)
        .order_by()
        .annotate(
            declaration=FilteredRelation(
                "fund_declarations", condition=Q(fund_declarations__year=year)
            ),
            rule_extraction=Subquery(rule.values("extraction_rate")[:1]),
            rule_frontline=Subquery(rule.values("frontline_rate")[:1]),
        )
        .values_list(
            "declaration__pk",
            "declaration__payroll",
            "declaration__extracted",
            "declaration__spent",
            "declaration__frontline_spent",
            "rule_extraction",
            "rule_frontline",
        )
    )
    waiting = 0
    for pk, payroll, extracted, spent, frontline_spent, extraction, frontline in rows:
        if pk is None:
            waiting += 1
            continue
        if extraction is None:
            extraction, frontline = DEFAULT_RATES.extraction, DEFAULT_RATES.frontline
        evaluation = evaluate(
            payroll=payroll,
            extracted=extracted,
            spent=spent,
            frontline_spent=frontline_spent,
            extraction_rate=extraction,
            frontline_rate=frontline,
        )
        if not evaluation.extraction_compliant or evaluation.frontline_compliant is False:
            waiting += 1
    return waiting


def home_items(user: Any) -> list[HomeItem] | None:
    if not acts_for_enterprises(user):
        return None
    staff = is_sub_district_staff(user)
    year = fund_year(timezone.localdate())
    needing = funds_needing_action(user, year)
    items = []
    if staff:
        items.append(
            HomeItem(
                title=gettext("经费达标"),
                url=reverse("training:compliance"),
                description=gettext(
                    "%(year)s年度各企业教育培训经费提取和一线使用是否达标，向未达标企业发整改通知。"
                )
                % {"year": year},
                count=needing,
                count_label=gettext("家未申报或未达标"),
                urgent=True,
            )
        )
    else:
        items.append(
            HomeItem(
                title=gettext("培训经费申报"),
                url=reverse("training:home"),
                description=gettext("申报%(year)s年度职工工资总额和教育培训经费提取、使用情况。")
                % {"year": year},
                count=needing,
                count_label=gettext("家企业未申报或未达标"),
                urgent=True,
            )
        )
    items.append(
        HomeItem(
            title=gettext("培训记录"),
            url=reverse("training:records_home"),
            description=gettext("上传职工参加培训的记录（培训项目、学时、是否结业）。"),
            count=previews_to_confirm(user).get(TRAINING_RECORDS, 0),
            count_label=gettext("份预览待确认"),
            urgent=True,
        )
    )
    if staff:
        items.append(
            HomeItem(
                title=gettext("技能人才与培训统计"),
                url=reverse("training:skills"),
                description=gettext("技能人才、高技能人才和培训情况，按村（社区）、园区统计。"),
            )
        )
        items.append(
            HomeItem(
                title=gettext("培训机构“六个有”"),
                url=reverse("training:institutes"),
                description=gettext("职工培训学院对照“六个有”标准的达标情况和校企合作。"),
            )
        )
    return items


def register() -> None:
    register_home_section("training", title=_("培训与技能"), items=home_items, order=20)
