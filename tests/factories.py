import datetime
import hashlib
from decimal import Decimal

import factory
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from stdnum.cn import ric, uscc

from compliance.models import (
    CollectiveWageContract,
    FactoryAffairsDisclosure,
    LabourInspection,
    WorkersCongressSession,
)
from core.choices import PoliticalStatus
from core.models import AuditLog
from core.periods import Quarter
from enterprises.models import Enterprise, IndustrialPark, Village
from imports.models import ImportRecord
from notices.models import Notice, NoticeAttachment, NoticeReceipt
from party.models import PartyActivity, PartyBranch, PartyBranchMember, WorkerRepresentative
from reports.models import ReportDownload, ReportRun
from tests.spreadsheets import xlsx_bytes
from training.models import (
    FundDeclaration,
    FundDeclarationVersion,
    FundNotice,
    FundNoticeReceipt,
    FundRule,
    FundRuleChange,
)
from unions.models import UnionCoverage, UnionMembershipChange, UnionOrganisation
from workers.models import Employment, Worker, WorkerTransfer
from worklist.models import FeedbackAttachment, Milestone, OwnerUnit, ReformTask, TaskFeedback


def make_uscc(n: int) -> str:
    body = "91330683MA2T%05d" % n
    return body + uscc.calc_check_digit(body)


def make_id_number(
    n: int, birth: datetime.date = datetime.date(1980, 5, 17), sex: str = "M"
) -> str:
    """A valid 嵊州市 (330683) number; the sequence digit's parity gives the sex."""
    sequence = (n % 400) * 2 + (1 if sex == "M" else 2)
    body = "330683%s%03d" % (birth.strftime("%Y%m%d"), sequence)
    return body + ric.calc_check_digit(body + "0")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: "user%d" % n)
    password = factory.django.Password("pw-for-tests")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: "测试村%d" % n)


class IndustrialParkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndustrialPark
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: "测试园区%d" % n)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.Sequence(make_uscc)
    name = factory.Sequence(lambda n: "测试企业%d有限公司" % n)
    village = factory.SubFactory(VillageFactory)
    is_above_scale = False


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker

    id_number = factory.Sequence(
        lambda n: make_id_number(n, datetime.date(1970 + n % 30, 1 + n % 12, 1 + n % 28))
    )
    name = factory.Sequence(lambda n: "职工%d" % n)
    phone = factory.Sequence(lambda n: "138%08d" % n)


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employment

    worker = factory.SubFactory(WorkerFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    position = "操作工"
    is_frontline = True
    hire_date = datetime.date(2020, 3, 1)


class PartyMemberFactory(WorkerFactory):
    """A worker whose 政治面貌 lets them join a party branch (DOMAIN.md)."""

    political_status = PoliticalStatus.PARTY_MEMBER


class WorkerTransferFactory(factory.django.DjangoModelFactory):
    """A pending 调动申请: another enterprise's roster named the worker (issue 12)."""

    class Meta:
        model = WorkerTransfer

    worker = factory.SubFactory(WorkerFactory)
    to_enterprise = factory.SubFactory(EnterpriseFactory)
    from_enterprises = factory.LazyFunction(lambda: [{"id": 0, "name": "原单位"}])
    hire_date = datetime.date(2024, 3, 1)
    proposed = factory.LazyFunction(lambda: {"name": "新姓名", "is_union_member": False})
    requested_at = factory.LazyFunction(timezone.now)


# --- auth and the schedules (registered in the admin too) -----------------------------------


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: "测试用户组%d" % n)


class IntervalScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntervalSchedule

    every = factory.Sequence(lambda n: n + 2)
    period = IntervalSchedule.HOURS


class CrontabScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrontabSchedule

    minute = factory.Sequence(lambda n: str(n % 60))
    hour = "2"
    day_of_month = "1"
    month_of_year = "*"
    day_of_week = "*"
    timezone = "Asia/Shanghai"


class SolarScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SolarSchedule

    # Around 嵊州 (29.6°N, 120.8°E), one point a schedule: event and place are unique together.
    event = "sunrise"
    latitude = factory.Sequence(lambda n: Decimal("29.600000") + Decimal(n) / 10**6)
    longitude = Decimal("120.800000")


class ClockedScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClockedSchedule

    clocked_time = factory.Sequence(
        lambda n: timezone.now() + datetime.timedelta(days=1, minutes=n)
    )


class PeriodicTaskFactory(factory.django.DjangoModelFactory):
    """A beat entry on a new interval, unless another schedule is given: exactly one schedule
    kind may be set, and a clocked task runs once."""

    class Meta:
        model = PeriodicTask

    name = factory.Sequence(lambda n: "测试周期任务%d" % n)
    task = "reports.tasks.reports_sweep_task"
    crontab = None
    solar = None
    clocked = None
    interval = factory.Maybe(
        factory.LazyAttribute(
            lambda o: o.crontab is None and o.solar is None and o.clocked is None
        ),
        yes_declaration=factory.SubFactory(IntervalScheduleFactory),
        no_declaration=None,
    )
    one_off = factory.LazyAttribute(lambda o: o.clocked is not None)


# --- core and imports -----------------------------------------------------------------------


class AuditLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditLog

    actor = factory.SubFactory(UserFactory)
    action = "union.membership.corrected"
    object_type = "workers.Worker"
    object_id = factory.Sequence(str)
    detail = factory.LazyFunction(lambda: {"is_member": [False, True]})


# A real, small roster workbook: an import record always keeps the file it was made from.
_ROSTER_UPLOAD = xlsx_bytes(
    [["职工1", make_id_number(1), "操作工", "是", "否", "2020-03-01"]],
    sheet="花名册",
    header=["姓名", "身份证号", "岗位", "是否一线职工", "是否工会会员", "入职日期"],
)


class ImportRecordFactory(factory.django.DjangoModelFactory):
    """An applied roster upload of one enterprise by one of its HR users."""

    class Meta:
        model = ImportRecord

    kind = "roster"
    enterprise = factory.SubFactory(EnterpriseFactory)
    uploaded_by = factory.SubFactory(UserFactory)
    source = "web"
    file = factory.django.FileField(filename="花名册.xlsx", data=_ROSTER_UPLOAD)
    original_name = "花名册.xlsx"
    sha256 = hashlib.sha256(_ROSTER_UPLOAD).hexdigest()
    size = len(_ROSTER_UPLOAD)
    status = ImportRecord.Status.APPLIED
    sheet_name = "花名册"
    counts = factory.LazyFunction(
        lambda: {"rows": 1, "created": 1, "updated": 0, "unchanged": 0, "departed": 0}
    )
    applied_by = factory.SelfAttribute("uploaded_by")
    confirmed_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyFunction(timezone.now)


# --- unions ---------------------------------------------------------------------------------


class UnionOrganisationFactory(factory.django.DjangoModelFactory):
    """A village's joint union (村居联合工会), the usual kind for the small enterprises here."""

    class Meta:
        model = UnionOrganisation

    name = factory.Sequence(lambda n: "测试村联合工会%d" % n)
    kind = UnionOrganisation.Kind.JOINT
    founded_on = datetime.date(2021, 5, 1)
    chair = factory.Sequence(lambda n: "工会主席%d" % n)
    village = factory.SubFactory(VillageFactory)


class UnionCoverageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnionCoverage

    union = factory.SubFactory(UnionOrganisationFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    start_date = datetime.date(2021, 5, 1)
    created_by = factory.SubFactory(UserFactory)


class UnionMembershipChangeFactory(factory.django.DjangoModelFactory):
    """A union officer's correction: the worker joined (the worker's own flags are not set)."""

    class Meta:
        model = UnionMembershipChange

    worker = factory.SubFactory(WorkerFactory)
    is_member = True
    joined_on = datetime.date(2022, 3, 1)
    union = factory.SubFactory(UnionOrganisationFactory)
    source = UnionMembershipChange.Source.CORRECTION
    note = "补录入会信息"
    changed_by = factory.SubFactory(UserFactory)


# --- party ----------------------------------------------------------------------------------


class PartyBranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyBranch

    name = factory.Sequence(lambda n: "测试企业%d党支部" % n)
    kind = PartyBranch.Kind.SINGLE
    founded_on = datetime.date(2018, 7, 1)
    secretary = factory.Sequence(lambda n: "书记%d" % n)
    village = factory.SubFactory(VillageFactory)


class PartyBranchMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyBranchMember

    branch = factory.SubFactory(PartyBranchFactory)
    worker = factory.SubFactory(PartyMemberFactory)
    joined_on = datetime.date(2019, 7, 1)


class PartyActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyActivity

    branch = factory.SubFactory(PartyBranchFactory)
    held_on = datetime.date(2025, 7, 1)
    kind = PartyActivity.Kind.THEMED_PARTY_DAY
    topic = "学习贯彻产业工人队伍建设改革精神"
    attendance = 12


class WorkerRepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerRepresentative

    worker = factory.SubFactory(WorkerFactory)
    role = WorkerRepresentative.Role.PEOPLES_CONGRESS
    body = "嵊州市人大"
    level = WorkerRepresentative.Level.SHENGZHOU
    term_start = datetime.date(2022, 1, 1)


# --- training funds -------------------------------------------------------------------------


class FundRuleFactory(factory.django.DjangoModelFactory):
    """A year's rule at the sub-district's defaults (8% and 60%, DOMAIN.md)."""

    class Meta:
        model = FundRule
        django_get_or_create = ("year",)

    year = factory.Sequence(lambda n: 2000 + n)
    extraction_rate = Decimal("0.0800")
    frontline_rate = Decimal("0.6000")
    note = "剡湖街道产改实施方案第十一条"
    updated_by = factory.SubFactory(UserFactory)


class FundRuleChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundRuleChange

    year = 2025
    extraction_rate = Decimal("0.0800")
    frontline_rate = Decimal("0.6000")
    note = "剡湖街道产改实施方案第十一条"
    changed_by = factory.SubFactory(UserFactory)


class FundDeclarationFactory(factory.django.DjangoModelFactory):
    """A declaration for 2025 that passes both rules: 8% extracted, 60% of it on the front line."""

    class Meta:
        model = FundDeclaration

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2025
    payroll = Decimal("1000000.00")
    extracted = Decimal("80000.00")
    spent = Decimal("50000.00")
    frontline_spent = Decimal("30000.00")
    source = FundDeclaration.Source.FORM
    submitted_by = factory.SubFactory(UserFactory)
    submitted_at = factory.LazyFunction(timezone.now)


class FundDeclarationVersionFactory(factory.django.DjangoModelFactory):
    """The declaration's figures as one submitted version."""

    class Meta:
        model = FundDeclarationVersion

    declaration = factory.SubFactory(FundDeclarationFactory)
    version = factory.Sequence(lambda n: n + 1)  # one number a version of a declaration
    payroll = factory.SelfAttribute("declaration.payroll")
    extracted = factory.SelfAttribute("declaration.extracted")
    spent = factory.SelfAttribute("declaration.spent")
    frontline_spent = factory.SelfAttribute("declaration.frontline_spent")
    source = factory.SelfAttribute("declaration.source")
    submitted_by = factory.SelfAttribute("declaration.submitted_by")
    submitted_at = factory.SelfAttribute("declaration.submitted_at")


class FundNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundNotice

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2025
    message = "贵企业2025年度教育培训经费提取未达到职工工资总额的8%，请核实并整改。"
    sent_by = factory.SubFactory(UserFactory)


class FundNoticeReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundNoticeReceipt

    notice = factory.SubFactory(FundNoticeFactory)
    user = factory.SubFactory(UserFactory)


# --- work list ------------------------------------------------------------------------------


class OwnerUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OwnerUnit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: "测试线办%d" % n)


class ReformTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReformTask
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: "T%d" % n)
    section = ReformTask.Section.SKILLS
    title = factory.Sequence(lambda n: "优化职业技能培育任务%d" % n)
    description = "完善职工技能培训体系。"
    deadline = datetime.date(2026, 12, 31)
    order = factory.Sequence(int)

    @factory.post_generation
    def owner_units(self, create, extracted, **kwargs):
        """`owner_units=[unit, …]`; one new unit when not given."""
        if not create:
            return
        self.owner_units.set(extracted if extracted is not None else [OwnerUnitFactory()])


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    task = factory.SubFactory(ReformTaskFactory)
    title = "制定实施细则"
    due_on = datetime.date(2026, 6, 30)


class TaskFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskFeedback

    task = factory.SubFactory(ReformTaskFactory)
    unit = factory.SubFactory(OwnerUnitFactory)
    reported_on = factory.LazyFunction(timezone.localdate)
    percent = 50
    text = "已完成调研，正在起草方案。"
    author = factory.SubFactory(UserFactory)


class FeedbackAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackAttachment

    feedback = factory.SubFactory(TaskFeedbackFactory)
    file = factory.django.FileField(filename="进展材料.txt", data="进展材料".encode())
    original_name = "进展材料.txt"


# --- democratic management and labour inspections --------------------------------------------


class WorkersCongressSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkersCongressSession

    enterprise = factory.SubFactory(EnterpriseFactory)
    held_on = datetime.date(2025, 3, 15)
    session = factory.Sequence(lambda n: "第三届第%d次" % (n + 1))
    delegates = 35
    topics = "审议年度工资调整方案"
    resolutions = "通过"
    # Entered or confirmed by staff: counts in the figures (issue 15).
    confirmed_at = factory.LazyFunction(timezone.now)


class FactoryAffairsDisclosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FactoryAffairsDisclosure

    enterprise = factory.SubFactory(EnterpriseFactory)
    disclosed_on = datetime.date(2025, 4, 1)
    subject = "年度职工教育培训经费使用情况"
    channel = "公开栏"
    content = "2025年度教育培训经费提取与使用明细。"
    # Entered or confirmed by staff: counts in the figures (issue 15).
    confirmed_at = factory.LazyFunction(timezone.now)


class CollectiveWageContractFactory(factory.django.DjangoModelFactory):
    """A three-year contract in force today."""

    class Meta:
        model = CollectiveWageContract

    enterprise = factory.SubFactory(EnterpriseFactory)
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
    start_date = factory.SelfAttribute("signed_on")
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=3 * 365))
    wage_increase_percent = Decimal("5.50")
    # Entered or confirmed by staff: counts in the figures (issue 15).
    confirmed_at = factory.LazyFunction(timezone.now)


class LabourInspectionFactory(factory.django.DjangoModelFactory):
    """An open inspection whose correction deadline has passed (逾期未整改)."""

    class Meta:
        model = LabourInspection

    enterprise = factory.SubFactory(EnterpriseFactory)
    inspected_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))
    kind = "contract"
    subject = "劳动合同签订情况"
    inspector = "嵊州市劳动保障监察大队"
    findings = "部分职工未签订书面劳动合同。"
    corrections_required = "一个月内补签劳动合同。"
    deadline = factory.LazyAttribute(lambda o: o.inspected_on + datetime.timedelta(days=30))


# --- reports --------------------------------------------------------------------------------


def _quarter(n: int) -> Quarter:
    """One quarter a run within 2000–2019 (80 runs a test at most), far from the quarters the
    report tests build; the sequence runs on across tests, the database does not."""
    return Quarter(2000 + n // 4 % 20, n % 4 + 1)


class ReportRunFactory(factory.django.DjangoModelFactory):
    """A finished quarterly report, the current version of its quarter, with a few figures."""

    class Meta:
        model = ReportRun

    kind = ReportRun.Kind.QUARTERLY
    period = factory.Sequence(lambda n: str(_quarter(n)))
    as_of = factory.Sequence(lambda n: _quarter(n).end)
    version = 1
    is_current = True
    status = ReportRun.Status.DONE
    requested_by = factory.SubFactory(UserFactory)
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyFunction(timezone.now)
    attempts = 1
    figures = factory.LazyFunction(
        lambda: {
            "kpis": {
                "workers_total": 120,
                "union_members": 96,
                "union_membership_rate": 0.8,
                "union_establishment_rate": 0.75,
                "skilled_worker_rate": 0.4,
            }
        }
    )


class ReportDownloadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportDownload

    run = factory.SubFactory(ReportRunFactory)
    user = factory.SubFactory(UserFactory)


# django-axes' login records (issue 12): the admin lists them to staff.
class _LoginRecordFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: "guess%d" % n)
    ip_address = factory.Sequence(lambda n: "10.1.%d.%d" % (n // 250 % 250, n % 250 + 1))
    user_agent = "Mozilla/5.0"
    http_accept = "text/html"
    path_info = "/accounts/login/"


class AccessAttemptFactory(_LoginRecordFactory):
    class Meta:
        model = AccessAttempt

    get_data = "next=/"
    post_data = "username=guess"
    failures_since_start = 5


class AccessLogFactory(_LoginRecordFactory):
    class Meta:
        model = AccessLog


class AccessFailureLogFactory(_LoginRecordFactory):
    class Meta:
        model = AccessFailureLog

    locked_out = True


class PersonalDataAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "core.PersonalDataAccess"

    actor = factory.SubFactory(UserFactory)
    action = "view"
    object_type = "workers.Worker"
    object_id = factory.Sequence(str)
    record_count = 1


class ImportRetentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "imports.ImportRetention"

    originals_days = 180


# --- skills and lifelong learning (issue 13) --------------------------------------------------


class SkillCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workers.SkillCertificate"

    worker = factory.SubFactory(WorkerFactory)
    occupation = "车工"
    level = "senior"
    number = factory.Sequence(lambda n: "S%012d" % n)
    issued_on = datetime.date(2024, 6, 1)
    issuer = "嵊州市人力资源和社会保障局"
    source = "admin"


class InstituteCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.InstituteCriterion"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: "有标准%d" % n)
    order = factory.Sequence(lambda n: 100 + n)


class TrainingInstituteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.TrainingInstitute"

    name = factory.Sequence(lambda n: "剡湖职工培训学院%d" % n)
    kind = "worker_college"


class InstituteCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.InstituteCheck"

    institute = factory.SubFactory(TrainingInstituteFactory)
    criterion = factory.SubFactory(InstituteCriterionFactory)
    is_met = True
    evidence = "现场核查"
    checked_on = datetime.date(2026, 3, 1)


class SchoolEnterpriseCooperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.SchoolEnterpriseCooperation"

    school = "嵊州市职业教育中心"
    enterprise = factory.SubFactory(EnterpriseFactory)
    starts_on = datetime.date(2025, 9, 1)
    content = "订单班培养数控技工"


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.Course"

    name = factory.Sequence(lambda n: "数控车床操作培训%d" % n)
    starts_on = datetime.date(2026, 3, 2)
    ends_on = datetime.date(2026, 3, 6)
    mode = "offline"


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.TrainingRecord"

    course = factory.SubFactory(CourseFactory)
    worker = factory.SubFactory(WorkerFactory)
    starts_on = factory.SelfAttribute("course.starts_on")
    ends_on = factory.SelfAttribute("course.ends_on")
    hours = Decimal("16.0")
    mode = factory.SelfAttribute("course.mode")
    is_completed = True
    source = "admin"


class CompetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.Competition"

    name = factory.Sequence(lambda n: "嵊州市职工技能大赛%d" % n)
    level = "shengzhou"
    held_on = datetime.date(2026, 5, 20)
    occupation = "电工"
    organiser = "嵊州市总工会"


class CompetitionResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.CompetitionResult"

    competition = factory.SubFactory(CompetitionFactory)
    worker = factory.SubFactory(WorkerFactory)
    prize = "一等奖"
    source = "admin"


# --- honours (issue 14) ---------------------------------------------------------------------


class HonourFactory(factory.django.DjangoModelFactory):
    """A person's honour; TeamHonourFactory gives a team's."""

    class Meta:
        model = "honors.Honour"

    name = "model_worker"
    level = "shengzhou"
    year = 2025
    worker = factory.SubFactory(WorkerFactory)
    # A person's honour names no enterprise (the honour_person_or_team constraint): declared so
    # that tests/test_query_counts.py does not fill it; tests/honors/test_register.py counts
    # the changelist's queries with team honours too.
    enterprise = None
    awarding_body = "嵊州市人民政府"
    source = "admin"


class TeamHonourFactory(HonourFactory):
    name = "worker_pioneer"
    worker = None
    enterprise = factory.SubFactory(EnterpriseFactory)
    team_name = factory.Sequence(lambda n: "装配一班%d" % n)


class NominationRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "honors.NominationRound"

    title = factory.Sequence(lambda n: "2026年度剡湖街道基层劳模推评（第%d批）" % n)
    honour_name = "model_worker"
    level = "subdistrict"
    year = 2026
    quota = 3
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=10))
    criteria = "爱岗敬业，业绩突出，在本街道企业工作满三年。"


class NominationFactory(factory.django.DjangoModelFactory):
    """A worker nominated by the enterprise that employs them (the employment is made too)."""

    class Meta:
        model = "honors.Nomination"

    round = factory.SubFactory(NominationRoundFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    worker = factory.SubFactory(WorkerFactory)
    post = "操作工"
    summary = "扎根一线十年，带徒八名。"
    deeds = "该同志扎根生产一线十年，先后带徒八名，提出合理化建议十二条。"

    @factory.post_generation
    def employed(self, create, extracted, **kwargs):
        if create and self.worker_id and extracted is not False:
            EmploymentFactory(worker=self.worker, enterprise=self.enterprise)


class NominationStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "honors.NominationStep"

    round = factory.SubFactory(NominationRoundFactory)
    action = "round_opened"


class CraftsmanCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "honors.CraftsmanCriterion"

    kind = "skill_level"
    min_skill_level = "technician"


class CraftsmanPoolChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "honors.CraftsmanPoolChange"

    worker = factory.SubFactory(WorkerFactory)
    included = True
    reason = "技术骨干，街道推荐纳入。"


class InnovationStudioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "honors.InnovationStudio"

    name = factory.Sequence(lambda n: "劳模创新工作室%d" % n)
    enterprise = factory.SubFactory(EnterpriseFactory)
    leader = factory.SubFactory(WorkerFactory)
    level = "shengzhou"
    founded_on = datetime.date(2024, 5, 1)


class StudioYearResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "honors.StudioYearResult"

    studio = factory.SubFactory(InnovationStudioFactory)
    # One row a studio a year: a studio's rows made one after another take earlier years.
    year = factory.Sequence(lambda n: 2025 - n % 50)
    patents = 2
    process_improvements = 5
    savings_yuan = Decimal("120000.00")
    trainees = 30


# --- report targets, baseline and the written progress section (issue 15) --------------------


class FigureTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reports.FigureTarget"

    key = "union_membership_rate"
    year = factory.Sequence(lambda n: 2000 + n)
    value = Decimal("0.8500")


class BaselinePeriodFactory(factory.django.DjangoModelFactory):
    """A baseline that is not the current one (the migration seeds the current 2021Q3)."""

    class Meta:
        model = "reports.BaselinePeriod"

    kind = "quarterly"
    period = "2021Q3"
    is_current = False


class ReportNarrativeFactory(factory.django.DjangoModelFactory):
    """A published version of a quarter's progress section."""

    class Meta:
        model = "reports.ReportNarrative"

    kind = "quarterly"
    period = factory.Sequence(lambda n: "%dQ%d" % (2000 + n // 4, n % 4 + 1))
    version = 1
    status = "published"
    work_done = "一、加强组织领导。\n\n- 召开产改工作推进会2次；\n- 完成花名册更新。"
    problems = "部分小微企业建会率偏低。"
    next_steps = "1. 推进联合工会建设；\n2. 开展技能比武。"
    published_at = factory.LazyFunction(timezone.now)


# --- 通知公告 ---------------------------------------------------------------------------------


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    title = factory.Sequence(lambda n: "关于做好产改工作的通知（%d）" % n)
    body = "请各企业按时报送职工花名册。"
    audience = Notice.Audience.ALL
    published_at = factory.LazyFunction(timezone.now)
    created_by = factory.SubFactory(UserFactory)


class NoticeAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoticeAttachment

    notice = factory.SubFactory(NoticeFactory)
    file = factory.django.FileField(filename="附件.pdf", data=b"%PDF-1.4 notice")
    original_name = "附件.pdf"


class NoticeReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoticeReceipt

    notice = factory.SubFactory(NoticeFactory)
    user = factory.SubFactory(UserFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
