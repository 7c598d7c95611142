"""Reads of training-fund declarations, each evaluated against its year's rule (DOMAIN.md)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.rates import rate
from core.roles import Role, has_role, is_sub_district_staff
from enterprises.filters import filter_by_groups
from enterprises.models import Enterprise
from enterprises.selectors import enterprises_acted_for
from training.models import (
    DEFAULT_EXTRACTION_RATE,
    DEFAULT_FRONTLINE_RATE,
    CompetitionResult,
    FundDeclaration,
    FundDeclarationVersion,
    FundNotice,
    FundNoticeReceipt,
    FundRule,
    InstituteCheck,
    InstituteCriterion,
    SchoolEnterpriseCooperation,
    TrainingInstitute,
    TrainingRecord,
)
from training.rules import Evaluation, Shortfall, evaluate, institute_shortfalls
from workers.models import Employment, SkillCertificate, Worker, WorkerTransfer
from workers.selectors import employed_by_hr_today


@dataclass(frozen=True)
class Rates:
    extraction: Decimal
    frontline: Decimal


# A year without a rule record (DOMAIN.md: 8% and 60% are the defaults).
DEFAULT_RATES = Rates(DEFAULT_EXTRACTION_RATE, DEFAULT_FRONTLINE_RATE)


def fund_rates_for(years: set[int] | list[int]) -> dict[int, Rates]:
    """Each year's rates: its rule record, else the defaults (8% and 60%)."""
    rates = dict.fromkeys(years, DEFAULT_RATES)
    for rule in FundRule.objects.filter(year__in=list(years)):
        rates[rule.year] = Rates(rule.extraction_rate, rule.frontline_rate)
    return rates


def fund_declarations_with_rates(
    declarations: QuerySet[FundDeclaration],
) -> QuerySet[FundDeclaration]:
    """Declarations annotated with their year's rule (`rule_extraction_rate`,
    `rule_frontline_rate`; null for a year without one), so that a list evaluates every row
    from its one query; `rates_of` reads them as `fund_rates_for` would."""
    rule = FundRule.objects.filter(year=OuterRef("year"))
    return declarations.annotate(
        rule_extraction_rate=Subquery(rule.values("extraction_rate")[:1]),
        rule_frontline_rate=Subquery(rule.values("frontline_rate")[:1]),
    )


def rates_of(declaration: FundDeclaration) -> Rates:
    """The rates of a declaration from `fund_declarations_with_rates`: its year's rule, else
    the defaults (8% and 60%)."""
    extraction = declaration.rule_extraction_rate  # type: ignore[attr-defined]
    frontline = declaration.rule_frontline_rate  # type: ignore[attr-defined]
    if extraction is None:
        return DEFAULT_RATES
    return Rates(extraction, frontline)


def fund_evaluation(declaration: FundDeclaration, rates: Rates) -> Evaluation:
    return evaluate(
        payroll=declaration.payroll,
        extracted=declaration.extracted,
        spent=declaration.spent,
        frontline_spent=declaration.frontline_spent,
        extraction_rate=rates.extraction,
        frontline_rate=rates.frontline,
    )


@dataclass(frozen=True)
class EvaluatedDeclaration:
    declaration: FundDeclaration
    rates: Rates
    evaluation: Evaluation


def evaluated(declarations: QuerySet[FundDeclaration]) -> list[EvaluatedDeclaration]:
    """Declarations with their evaluations, the year's rules read once per year."""
    rows = list(declarations)
    rates = fund_rates_for({d.year for d in rows})
    return [EvaluatedDeclaration(d, rates[d.year], fund_evaluation(d, rates[d.year])) for d in rows]


def fund_declarations_of(enterprise: Enterprise) -> list[EvaluatedDeclaration]:
    """An enterprise's declarations, newest year first, with every earlier version."""
    return evaluated(
        FundDeclaration.objects.filter(enterprise=enterprise)
        .select_related("submitted_by")
        .prefetch_related("versions__submitted_by")
        .order_by("-year")
    )


def fund_notices_for(user: Any, enterprise: Enterprise) -> QuerySet[FundNotice]:
    """Notices sent to the enterprise, flagged with whether this user has read each."""
    return (
        FundNotice.objects.filter(enterprise=enterprise)
        .annotate(
            is_read=Exists(FundNoticeReceipt.objects.filter(notice=OuterRef("pk"), user=user))
        )
        .order_by("-sent_at", "-id")
    )


class Status:
    NOT_DECLARED = "not_declared"
    EXTRACTION_FAILED = "extraction_failed"
    FRONTLINE_FAILED = "frontline_failed"
    BOTH_FAILED = "both_failed"
    COMPLIANT = "compliant"

    LABELS = {
        NOT_DECLARED: _("未申报"),
        EXTRACTION_FAILED: _("提取不足"),
        FRONTLINE_FAILED: _("一线使用不足"),
        BOTH_FAILED: _("提取不足且一线使用不足"),
        COMPLIANT: _("达标"),
    }
    FAILING = (EXTRACTION_FAILED, FRONTLINE_FAILED, BOTH_FAILED)


@dataclass
class ComplianceRow:
    """One enterprise in a year's compliance list."""

    enterprise: Enterprise
    declaration: FundDeclaration | None
    evaluation: Evaluation | None
    notices_sent: int = 0

    @property
    def status(self) -> str:
        if self.evaluation is None:
            return Status.NOT_DECLARED
        extraction = self.evaluation.extraction_compliant
        frontline = self.evaluation.frontline_compliant is not False
        if extraction and frontline:
            return Status.COMPLIANT
        if not extraction and not frontline:
            return Status.BOTH_FAILED
        return Status.EXTRACTION_FAILED if not extraction else Status.FRONTLINE_FAILED

    @property
    def status_label(self) -> str:
        return str(Status.LABELS[self.status])

    @property
    def shortfall(self) -> Decimal:
        return self.evaluation.shortfall if self.evaluation else Decimal(0)


SORTS = {
    "shortfall": lambda r: (-r.shortfall, r.enterprise.name),
    "name": lambda r: (r.enterprise.name,),
    "status": lambda r: (r.status, -r.shortfall, r.enterprise.name),
}


def fund_compliance(
    year: int,
    *,
    village: int | None = None,
    park: int | None = None,
    no_park: bool = False,
    above_scale: bool | None = None,
    status: str | None = None,
    sort: str = "shortfall",
    as_of: datetime.date | None = None,
) -> list[ComplianceRow]:
    """Every enterprise of the register for `year`: declared or not, failing which rule by how
    much (staff's list, seed measure 11). Three queries whatever the size. `as_of`: each
    declaration as it stood at the end of that day (`fund_declarations_as_of`)."""
    enterprises = Enterprise.objects.select_related("village", "park").order_by("name")
    enterprises = filter_by_groups(
        enterprises, village=village, park=park, no_park=no_park, above_scale=above_scale
    )
    listed: list[Any]
    if as_of is None:
        listed = list(
            enterprises.prefetch_related(
                Prefetch(
                    "fund_declarations",
                    queryset=FundDeclaration.objects.filter(year=year),
                    to_attr="declared",
                )
            )
        )
    else:
        stood = {d.enterprise_id: d for d in fund_declarations_as_of(year, as_of)}
        listed = list(enterprises)
        for enterprise in listed:
            found = stood.get(enterprise.pk)
            enterprise.declared = [found] if found else []
    rates = fund_rates_for({year})[year]
    sent = dict(
        FundNotice.objects.filter(year=year)
        .values("enterprise")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("enterprise", "n")
    )
    rows = []
    for enterprise in listed:
        declaration = enterprise.declared[0] if enterprise.declared else None
        evaluation = fund_evaluation(declaration, rates) if declaration else None
        rows.append(ComplianceRow(enterprise, declaration, evaluation, sent.get(enterprise.pk, 0)))
    if status == "failing":
        rows = [r for r in rows if r.status in Status.FAILING]
    elif status:
        rows = [r for r in rows if r.status == status]
    rows.sort(key=SORTS.get(sort, SORTS["shortfall"]))
    return rows


def fund_declarations_as_of(year: int, as_of: datetime.date) -> list[FundDeclaration]:
    """The year's declarations as they stood at the end of `as_of` (issue 16: a report as of a
    quarter's end never counts what was submitted later): each with the figures of its newest
    version submitted by then, one first submitted later left out. A declaration without any
    version row counts by its own submission time. The instances are for reading, never saved.
    Two queries."""
    cutoff = timezone.make_aware(
        datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time.min)
    )
    declarations = list(FundDeclaration.objects.filter(year=year).order_by("enterprise_id"))
    versions: dict[int, list[FundDeclarationVersion]] = {}
    for version in FundDeclarationVersion.objects.filter(declaration__year=year).order_by(
        "declaration_id", "-version"
    ):
        versions.setdefault(version.declaration_id, []).append(version)
    stood = []
    for declaration in declarations:
        history = versions.get(declaration.pk)
        if not history:
            if declaration.submitted_at < cutoff:
                stood.append(declaration)
            continue
        then = next((v for v in history if v.submitted_at < cutoff), None)
        if then is None:
            continue
        for name in ("payroll", "extracted", "spent", "frontline_spent", "version"):
            setattr(declaration, name, getattr(then, name))
        declaration.source = then.source
        declaration.submitted_by_id = then.submitted_by_id
        declaration.submitted_at = then.submitted_at
        stood.append(declaration)
    return stood


def fund_figures(year: int, *, as_of: datetime.date | None = None) -> dict[str, Any]:
    """The report's fund figures for a year (DOMAIN.md), plus the total shortfall and the
    enterprises that have not declared, for the quarterly report; with `as_of`, of the
    declarations as they stood at the end of that day (`fund_declarations_as_of`).

    A declaration with nothing spent counts neither as frontline compliant nor as a failure.
    """
    rates = fund_rates_for({year})[year]
    declarations: Any = (
        FundDeclaration.objects.filter(year=year).only(
            "enterprise_id", "year", "payroll", "extracted", "spent", "frontline_spent"
        )
        if as_of is None
        else fund_declarations_as_of(year, as_of)
    )
    declared: set[int] = set()
    extraction_compliant = frontline_compliant = frontline_failed = 0
    total_shortfall = Decimal(0)
    for declaration in declarations:
        declared.add(declaration.enterprise_id)
        evaluation = fund_evaluation(declaration, rates)
        extraction_compliant += evaluation.extraction_compliant
        total_shortfall += evaluation.shortfall
        frontline_compliant += evaluation.frontline_compliant is True
        frontline_failed += evaluation.frontline_compliant is False
    # In Python: as of a date, which enterprises had declared is not a query of its own.
    not_declared = [
        pk
        for pk in Enterprise.objects.order_by("name").values_list("pk", flat=True)
        if pk not in declared
    ]
    return {
        "fund_declarations": len(declared),
        "fund_extraction_compliant": extraction_compliant,
        "fund_frontline_compliant": frontline_compliant,
        "fund_frontline_failed": frontline_failed,
        "fund_total_shortfall": total_shortfall,
        "enterprises_not_declared": not_declared,
        # Over the declarations of the year (issue 15), rounded as every rate (core.rates).
        "fund_extraction_compliance_rate": rate(extraction_compliant, len(declared)),
        "fund_frontline_compliance_rate": rate(frontline_compliant, len(declared)),
    }


# ----------------------------------------------------------------------------------------------
# Training institutes and the "六个有" standard (seed measure 6).


@dataclass(frozen=True)
class InstituteStanding:
    institute: TrainingInstitute
    shortfalls: list[Shortfall]  # empty: meets every active criterion

    @property
    def meets_standard(self) -> bool:
        return not self.shortfalls


def institute_standings() -> list[InstituteStanding]:
    """Every institute against every active criterion (training.rules.institute_shortfalls):
    a criterion never checked counts as a shortfall. Two queries."""
    criteria = list(InstituteCriterion.objects.filter(is_active=True).values_list("pk", "name"))
    checks: dict[int, dict[int, bool]] = {}
    for institute_id, criterion_id, met in InstituteCheck.objects.order_by().values_list(
        "institute_id", "criterion_id", "is_met"
    ):
        checks.setdefault(institute_id, {})[criterion_id] = met
    return [
        InstituteStanding(institute, institute_shortfalls(criteria, checks.get(institute.pk, {})))
        for institute in TrainingInstitute.objects.select_related("enterprise").order_by("name")
    ]


def institutes_falling_short() -> list[InstituteStanding]:
    """The institutes short of the standard, each with the criteria it falls short on."""
    return [standing for standing in institute_standings() if not standing.meets_standard]


# ----------------------------------------------------------------------------------------------
# Training records (培训记录) on an enterprise's page.


def enterprise_training_records(*, user: Any, enterprise_id: int) -> QuerySet[TrainingRecord]:
    """The training records of the workers an enterprise employs today, for a user who acts for
    it (HR their own enterprises, staff any; nobody else). Like the import's rule
    (workers.matching), a worker whose move to this enterprise still waits for staff is not
    counted: typing someone's ID number into a roster must not show their learning record."""
    pending = WorkerTransfer.objects.filter(
        worker=OuterRef("worker"),
        to_enterprise=OuterRef("enterprise"),
        status=WorkerTransfer.Status.PENDING,
    )
    employed = (
        Employment.objects.active_on(timezone.localdate())
        .filter(
            worker=OuterRef("worker"),
            enterprise_id=enterprise_id,
            enterprise__in=enterprises_acted_for(user).order_by().values("pk"),
        )
        .exclude(Exists(pending))
    )
    return (
        TrainingRecord.objects.filter(Exists(employed))
        .select_related("course", "worker")
        .only(
            "starts_on",
            "ends_on",
            "hours",
            "mode",
            "institute_name",
            "is_completed",
            "course__name",
            "worker__name",
        )
        .order_by("-starts_on", "course__name", "worker__name", "pk")
    )


# ----------------------------------------------------------------------------------------------
# Staff's page of the institutes against the "六个有" standard, and the 校企合作 agreements.


@dataclass(frozen=True)
class CriterionCheck:
    """One institute against one active criterion: met, not met or never checked."""

    criterion: InstituteCriterion
    status: str  # "met", "not_met" or "not_checked"
    evidence: str = ""
    checked_on: datetime.date | None = None


@dataclass(frozen=True)
class InstituteChecklistRow:
    institute: TrainingInstitute
    checks: list[CriterionCheck]
    shortfalls: list[Shortfall]

    @property
    def meets_standard(self) -> bool:
        return not self.shortfalls


def institute_checklist(user: Any) -> tuple[list[InstituteCriterion], list[InstituteChecklistRow]]:
    """The active criteria, and every institute checked against each (met, not met, not
    checked; evidence and date), those falling short first (training.rules.
    institute_shortfalls, as the admin's list and the report judge them). Staff only; three
    queries whatever the size."""
    if not is_sub_district_staff(user):
        raise PermissionDenied
    criteria = list(InstituteCriterion.objects.filter(is_active=True).order_by("order", "pk"))
    stored: dict[int, dict[int, InstituteCheck]] = {}
    for stored_check in InstituteCheck.objects.filter(criterion__is_active=True).order_by():
        stored.setdefault(stored_check.institute_id, {})[stored_check.criterion_id] = stored_check
    pairs = [(criterion.pk, criterion.name) for criterion in criteria]
    rows = []
    for institute in TrainingInstitute.objects.select_related("enterprise").order_by("name"):
        checks = stored.get(institute.pk, {})
        cells = []
        for criterion in criteria:
            check = checks.get(criterion.pk)
            if check is None:
                cells.append(CriterionCheck(criterion, "not_checked"))
            else:
                status = "met" if check.is_met else "not_met"
                cells.append(CriterionCheck(criterion, status, check.evidence, check.checked_on))
        shortfalls = institute_shortfalls(pairs, {c: check.is_met for c, check in checks.items()})
        rows.append(InstituteChecklistRow(institute, cells, shortfalls))
    rows.sort(key=lambda row: row.meets_standard)  # stable: by name within each group
    return criteria, rows


@dataclass(frozen=True)
class CooperationRow:
    cooperation: SchoolEnterpriseCooperation
    is_current: bool


def school_enterprise_cooperations(user: Any) -> list[CooperationRow]:
    """Every 校企合作 agreement (seed measure 4), those in force today first, newest first.
    Staff only; one query."""
    if not is_sub_district_staff(user):
        raise PermissionDenied
    today = timezone.localdate()
    rows = [
        CooperationRow(
            cooperation,
            cooperation.starts_on <= today
            and (cooperation.ends_on is None or cooperation.ends_on >= today),
        )
        for cooperation in SchoolEnterpriseCooperation.objects.select_related(
            "enterprise", "institute"
        ).order_by("-starts_on", "pk")
    ]
    rows.sort(key=lambda row: not row.is_current)
    return rows


# ----------------------------------------------------------------------------------------------
# A worker's learning record (学习档案, seed measure 6: 终身学习): courses and hours by year,
# certificates, competition results.


@dataclass(frozen=True)
class CourseAttended:
    course: str
    institute: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    mode: str  # the label (线上, 线下, 线上线下)
    hours: Decimal
    is_completed: bool


@dataclass(frozen=True)
class TrainingYear:
    year: int
    courses: list[CourseAttended]
    hours: Decimal  # every record's 学时, summed exactly (DOMAIN.md)
    completed_hours: Decimal  # of the completed records (是否结业 = 是), as the report counts


@dataclass(frozen=True)
class LearningRecord:
    worker: Worker
    years: list[TrainingYear]  # newest first
    certificates: list[SkillCertificate]
    results: list[CompetitionResult]

    @property
    def hours(self) -> Decimal:
        return sum((year.hours for year in self.years), Decimal(0))

    @property
    def is_empty(self) -> bool:
        return not (self.years or self.certificates or self.results)


def learning_record_visible(user: Any, worker: Worker) -> bool:
    """Staff, and HR of an enterprise that employs the worker today (not a former employer);
    never union officers or officials, who see no named worker's record (DOMAIN.md)."""
    if is_sub_district_staff(user):
        return True
    if has_role(user, Role.HR):
        return Worker.objects.filter(pk=worker.pk).filter(employed_by_hr_today(user)).exists()
    return False


def _institute_name(record: TrainingRecord) -> str:
    """The institute the record names (as uploaded), else the course's."""
    if record.institute_name:
        return record.institute_name
    institute = record.course.institute
    return institute.name if institute is not None else record.course.institute_name


def learning_record_of(*, user: Any, worker: Worker) -> LearningRecord | None:
    """The worker's learning record, or None for a user who may not see it
    (learning_record_visible). Three queries (four for HR) whatever its size."""
    if not learning_record_visible(user, worker):
        return None
    by_year: dict[int, list[TrainingRecord]] = {}
    for record in (
        TrainingRecord.objects.filter(worker=worker)
        .select_related("course__institute")
        .order_by("-starts_on", "course__name", "pk")
    ):
        by_year.setdefault(record.starts_on.year, []).append(record)
    years = [
        TrainingYear(
            year=year,
            courses=[
                CourseAttended(
                    course=record.course.name,
                    institute=_institute_name(record),
                    starts_on=record.starts_on,
                    ends_on=record.ends_on,
                    mode=record.get_mode_display(),
                    hours=record.hours,
                    is_completed=record.is_completed,
                )
                for record in records
            ],
            hours=sum((record.hours for record in records), Decimal(0)),
            completed_hours=sum(
                (record.hours for record in records if record.is_completed), Decimal(0)
            ),
        )
        for year, records in by_year.items()
    ]
    certificates = list(
        SkillCertificate.objects.filter(worker=worker).order_by("-issued_on", "number")
    )
    results = list(
        CompetitionResult.objects.filter(worker=worker)
        .select_related("competition")
        .order_by("-held_on", "competition__name", "pk")
    )
    return LearningRecord(worker, years, certificates, results)


def fund_notices_addressed_to(user: Any) -> QuerySet[FundNotice]:
    """The 整改通知 of an HR user's enterprises, newest first, each with `is_read` by this
    user; none for other roles (staff send them and read their receipts on the fund pages)."""
    if is_sub_district_staff(user) or not has_role(user, Role.HR):
        return FundNotice.objects.none()
    return (
        FundNotice.objects.filter(enterprise__hr_users=user)
        .select_related("enterprise")
        .annotate(
            is_read=Exists(FundNoticeReceipt.objects.filter(notice=OuterRef("pk"), user=user))
        )
        .order_by("-sent_at", "-id")
    )


def fund_notice_unread_count(user: Any) -> int:
    """整改通知 of the HR user's enterprises without this user's receipt (one query; the
    navbar's and home page's unread count, core.home)."""
    if is_sub_district_staff(user) or not has_role(user, Role.HR):
        return 0
    return (
        FundNotice.objects.filter(enterprise__hr_users=user)
        .exclude(Exists(FundNoticeReceipt.objects.filter(notice=OuterRef("pk"), user=user)))
        .count()
    )


@dataclass(frozen=True)
class EnterpriseFundStatus:
    """An enterprise and its declaration for a year, evaluated; None when it has not declared."""

    enterprise: Enterprise
    declared: EvaluatedDeclaration | None

    @property
    def compliant(self) -> bool | None:
        """Both rules passed (达标), or None when there is no declaration (未申报)."""
        if self.declared is None:
            return None
        evaluation = self.declared.evaluation
        return evaluation.extraction_compliant and evaluation.frontline_compliant is not False


def fund_statuses_of(enterprises: QuerySet[Enterprise], year: int) -> list[EnterpriseFundStatus]:
    """HR's enterprises with their declaration for `year` and its verdict (已申报/未申报,
    达标/不足): three queries whatever the number of enterprises."""
    rows = list(enterprises.order_by("name", "pk"))
    declared = {
        item.declaration.enterprise_id: item
        for item in evaluated(
            FundDeclaration.objects.filter(enterprise__in=[e.pk for e in rows], year=year)
        )
    }
    return [EnterpriseFundStatus(e, declared.get(e.pk)) for e in rows]
