"""Demo data for a fresh development machine: run it as often as you like, it duplicates nothing."""

import datetime
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric, uscc

from core.choices import SKILL_LEVEL_RANK, ContractType, PoliticalStatus, SkillLevel
from core.roles import Role, roles_setup
from core.signals import rows_written
from demo import jobs
from enterprises.models import Enterprise, IndustrialPark, Village
from reports.models import ReportRun
from reports.selectors import fund_year_of, last_complete_period
from workers.models import Employment, Worker

DEMO_PASSWORD = "demo-2026"  # nosec B105 # the documented demo password, development data only

VILLAGES = ["城东社区", "城南社区", "剡湖村", "鹿山村", "浦口村"]
PARKS = ["剡湖工业园区", "城北工业园区"]
# (name, village index, park index or None, above-scale, industry, workers)
ENTERPRISES = [
    ("嵊州市剡湖领带有限公司", 0, 0, True, "纺织服装", 80),
    ("浙江剡湖电机股份有限公司", 0, 0, True, "电机制造", 70),
    ("嵊州市鹿山厨具有限公司", 3, 1, True, "厨具电器", 50),
    ("嵊州市城南茶业有限公司", 1, None, False, "茶叶加工", 24),
    ("嵊州市浦口机械配件厂", 4, 1, False, "机械配件", 18),
    ("嵊州市剡湖村竹编工艺社", 2, None, False, "工艺品", 12),
    ("嵊州市城东印刷有限公司", 0, None, False, "印刷", 16),
    ("嵊州市鹿山新材料有限公司", 3, 1, True, "新材料", 40),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅志强海燕春晓东丹玲斌浩宇"
POSITIONS = ["操作工", "装配工", "质检员", "机修工", "电工", "仓管员", "班组长", "技术员", "文员"]
OFFICE_POSITIONS = {"仓管员", "技术员", "文员"}


def demo_uscc(index: int) -> str:
    body = "91330683MA2D%05d" % (index * 37 + 101)
    return body + uscc.calc_check_digit(body)


def demo_id_number(rng: random.Random) -> str:
    birth = datetime.date(1966, 1, 1) + datetime.timedelta(days=rng.randrange(0, 38 * 365))
    body = "330683%s%03d" % (birth.strftime("%Y%m%d"), rng.randrange(1, 999))
    return body + ric.calc_check_digit(body + "0")


class Command(BaseCommand):
    help = "载入演示数据：村（社区）、工业园区、企业、约三百名职工和每个角色一个演示账号。"

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(20210701)  # nosec B311 # seeded for reproducible demo data, not secrets
        roles_setup()
        villages = [Village.objects.get_or_create(name=name)[0] for name in VILLAGES]
        parks = [IndustrialPark.objects.get_or_create(name=name)[0] for name in PARKS]

        enterprises = []
        for index, (name, village, park, above, industry, _size) in enumerate(ENTERPRISES):
            enterprise, _created = Enterprise.objects.update_or_create(
                uscc=demo_uscc(index),
                defaults={
                    "name": name,
                    "village": villages[village],
                    "park": parks[park] if park is not None else None,
                    "is_above_scale": above,
                    "industry": industry,
                    "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN),
                    "phone": "0575-8%07d" % rng.randrange(0, 10**7),
                },
            )
            enterprises.append(enterprise)

        created_workers = 0
        if not Worker.objects.filter(employments__enterprise__in=enterprises).exists():
            created_workers = self._seed_workers(rng, enterprises)
        users = self._seed_users(enterprises)
        self._seed_unions(villages, enterprises)
        # What the reports show (issue 16): the last finished quarter and month, and the fund
        # year of that quarter (reports.selectors.fund_year_of).
        today = timezone.localdate()
        quarter = last_complete_period(ReportRun.Kind.QUARTERLY, today)
        month = last_complete_period(ReportRun.Kind.MONTHLY, today)
        fund_year = fund_year_of(quarter.as_of())
        self._seed_fund_declarations(rng, enterprises, fund_year)
        self._seed_skills(rng, enterprises)
        self._seed_honours(rng, enterprises)
        staff, hr = users["staff"], users["hr"]
        jobs.seed_fund_rules_and_notice(staff=staff, enterprises=enterprises, fund_year=fund_year)
        jobs.seed_notice(staff=staff, today=today)
        jobs.seed_worklist(staff=staff, reporter=users["worklist"], today=today)
        jobs.seed_party(enterprises=enterprises, quarters=[quarter, quarter.next()])
        jobs.seed_democratic(staff=staff, hr=hr, enterprises=enterprises, today=today)
        jobs.seed_inspections(staff=staff, enterprises=enterprises, today=today)
        built = jobs.seed_reports(
            staff=staff,
            # The quarter before too, so that officials see a trend of two points.
            periods=[
                (ReportRun.Kind.QUARTERLY, quarter.previous()),
                (ReportRun.Kind.QUARTERLY, quarter),
                (ReportRun.Kind.MONTHLY, month),
            ],
        )
        self.stdout.write(
            "演示数据就绪：%d 个村（社区），%d 个园区，%d 家企业，新增职工 %d 人。"
            % (len(villages), len(parks), len(enterprises), created_workers)
        )
        if built:
            self.stdout.write("已生成进展报告：%s。" % "、".join(built))
        self.stdout.write("演示账号（密码均为 %s）：%s" % (DEMO_PASSWORD, "、".join(users)))

    def _seed_unions(self, villages: list[Village], enterprises: list[Enterprise]) -> None:
        """Above-scale enterprises have their own union; half the others are covered by their
        village's joint union, so the coverage dashboard has something to show."""
        from unions.models import UnionCoverage, UnionOrganisation

        founded = datetime.date(2021, 7, 1)
        small = [e for e in enterprises if not e.is_above_scale]
        for enterprise in enterprises:
            if enterprise.is_above_scale:
                union, _created = UnionOrganisation.objects.get_or_create(
                    name="%s工会委员会" % enterprise.name,
                    defaults={"kind": UnionOrganisation.Kind.SINGLE, "founded_on": founded},
                )
            elif enterprise in small[::2]:
                union, _created = UnionOrganisation.objects.get_or_create(
                    name="%s联合工会" % enterprise.village.name,
                    defaults={
                        "kind": UnionOrganisation.Kind.JOINT,
                        "founded_on": founded,
                        "village": enterprise.village,
                    },
                )
            else:
                continue
            UnionCoverage.objects.get_or_create(
                union=union,
                enterprise=enterprise,
                end_date=None,
                defaults={"start_date": founded},
            )

    def _seed_fund_declarations(
        self, rng: random.Random, enterprises: list[Enterprise], year: int
    ) -> None:
        """The fund year's training-fund declarations for all but one enterprise, submitted in
        the March after it (so the reports count them): most pass, some extract too little or
        spend too little on frontline workers (seed measure 11)."""
        from decimal import Decimal

        from training.models import FundDeclaration, FundDeclarationVersion

        submitted_at = timezone.make_aware(datetime.datetime(year + 1, 3, 15, 10))
        for index, enterprise in enumerate(enterprises[:-1]):
            payroll = Decimal(rng.randrange(2_000_000, 60_000_000)) + Decimal("0.55")
            share = (Decimal("0.06"), Decimal("0.08"), Decimal("0.09"))[index % 3]
            extracted = (payroll * share).quantize(Decimal("0.01"))
            spent = (extracted * Decimal("0.8")).quantize(Decimal("0.01"))
            frontline = (spent * (Decimal("0.5") if index % 4 == 1 else Decimal("0.7"))).quantize(
                Decimal("0.01")
            )
            declaration, created = FundDeclaration.objects.get_or_create(
                enterprise=enterprise,
                year=year,
                defaults={
                    "payroll": payroll,
                    "extracted": extracted,
                    "spent": spent,
                    "frontline_spent": frontline,
                    "source": FundDeclaration.Source.ADMIN,
                    "submitted_at": submitted_at,
                },
            )
            if created:
                FundDeclarationVersion.objects.create(
                    declaration=declaration,
                    version=1,
                    payroll=payroll,
                    extracted=extracted,
                    spent=spent,
                    frontline_spent=frontline,
                    source=declaration.source,
                    submitted_at=declaration.submitted_at,
                )

    def _seed_skills(self, rng: random.Random, enterprises: list[Enterprise]) -> None:
        """Institutes against the 六个有 (one meets all, one falls short, one not yet checked),
        two school–enterprise agreements, courses of this year and last with records, skill
        certificates (some above the roster's level) and a competition (seed measures 4–7)."""
        from decimal import Decimal

        from django.utils import timezone

        from training.models import (
            Competition,
            CompetitionResult,
            Course,
            InstituteCheck,
            InstituteCriterion,
            SchoolEnterpriseCooperation,
            TrainingInstitute,
            TrainingMode,
            TrainingRecord,
        )
        from workers.models import RecordSource, SkillCertificate

        if Course.objects.exists():
            return
        today = timezone.localdate()
        institutes = [
            TrainingInstitute.objects.get_or_create(name=name, defaults={"kind": kind, **extra})[0]
            for name, kind, extra in (
                ("剡湖街道职工培训学院", TrainingInstitute.Kind.WORKER_COLLEGE, {}),
                (
                    "剡湖电机企业职工学院",
                    TrainingInstitute.Kind.ENTERPRISE_COLLEGE,
                    {"enterprise": enterprises[1]},
                ),
                ("嵊州市职业教育中心", TrainingInstitute.Kind.SCHOOL, {}),
            )
        ]
        criteria = list(InstituteCriterion.objects.filter(is_active=True))
        checked_on = today - datetime.timedelta(days=60)
        for criterion in criteria:
            InstituteCheck.objects.get_or_create(
                institute=institutes[0],
                criterion=criterion,
                defaults={
                    "is_met": True,
                    "evidence": "现场核查，资料齐全",
                    "checked_on": checked_on,
                },
            )
        for index, criterion in enumerate(criteria[:-1]):
            InstituteCheck.objects.get_or_create(
                institute=institutes[1],
                criterion=criterion,
                defaults={
                    "is_met": index not in (1, 4),
                    "evidence": "现场核查" if index not in (1, 4) else "尚未落实，限期整改",
                    "checked_on": checked_on,
                },
            )
        for enterprise, content in (
            (enterprises[1], "电机装配订单班，每年培养学徒30名"),
            (enterprises[2], "厨具电器专业实训基地共建"),
        ):
            SchoolEnterpriseCooperation.objects.get_or_create(
                school=institutes[2].name,
                enterprise=enterprise,
                defaults={
                    "institute": institutes[2],
                    "starts_on": datetime.date(today.year - 1, 9, 1),
                    "ends_on": datetime.date(today.year + 2, 8, 31),
                    "content": content,
                },
            )

        courses = []
        for offset, (name, mode, hours, institute) in enumerate(
            (
                ("安全生产知识培训", TrainingMode.OFFLINE, Decimal("8.0"), 0),
                ("数控车床操作技能提升", TrainingMode.OFFLINE, Decimal("40.0"), 1),
                ("电工职业技能等级培训", TrainingMode.MIXED, Decimal("64.0"), 2),
                ("职工数字技能线上课程", TrainingMode.ONLINE, Decimal("12.5"), 0),
            )
        ):
            for year in (today.year - 1, today.year):
                starts = datetime.date(year, 3 + offset * 2, 10)
                if starts > today:
                    continue
                courses.append(
                    Course.objects.create(
                        name=name,
                        starts_on=starts,
                        ends_on=starts + datetime.timedelta(days=4),
                        mode=mode,
                        institute=institutes[institute],
                        hours=hours,
                    )
                )
        active = list(
            Employment.objects.filter(enterprise__in=enterprises, departure_date__isnull=True)
            .select_related("worker")
            .order_by("pk")
        )
        records = []
        for course in courses:
            for employment in rng.sample(active, k=min(len(active), 45)):
                records.append(
                    TrainingRecord(
                        course=course,
                        worker=employment.worker,
                        starts_on=course.starts_on,
                        ends_on=course.ends_on,
                        hours=course.hours or Decimal("8.0"),
                        mode=course.mode,
                        institute_name=course.institute.name if course.institute else "",
                        is_completed=rng.random() < 0.9,
                        enterprise=employment.enterprise,
                        source=RecordSource.ADMIN,
                    )
                )
        TrainingRecord.objects.bulk_create(records, ignore_conflicts=True)

        levels = [SkillLevel.JUNIOR, SkillLevel.INTERMEDIATE, SkillLevel.SENIOR]
        levels += [SkillLevel.TECHNICIAN, SkillLevel.SENIOR_TECHNICIAN]
        certificates = []
        for index, employment in enumerate(rng.sample(active, k=min(len(active), 50))):
            level = rng.choice(levels)
            certificates.append(
                SkillCertificate(
                    worker=employment.worker,
                    occupation=rng.choice(["车工", "电工", "装配钳工", "焊工", "茶叶加工工"]),
                    level=level,
                    level_rank=SKILL_LEVEL_RANK[level],
                    number="S%s%08d" % (today.year, 330683 + index * 7919),
                    issued_on=today - datetime.timedelta(days=rng.randrange(30, 2000)),
                    issuer="嵊州市人力资源和社会保障局",
                    source=RecordSource.ADMIN,
                )
            )
        SkillCertificate.objects.bulk_create(certificates)

        competition = Competition.objects.create(
            name="%d年剡湖街道职工技能比武" % today.year,
            level="subdistrict",
            held_on=min(today, datetime.date(today.year, 5, 18)),
            occupation="电工",
            organiser="剡湖街道总工会",
        )
        prizes = ["一等奖", "二等奖", "二等奖", "三等奖", "三等奖", "三等奖", "优秀奖", ""]
        results = [
            CompetitionResult(
                competition=competition,
                worker=employment.worker,
                prize=prize,
                is_prize=bool(prize),
                occupation="电工",
                held_on=competition.held_on,
                source=RecordSource.ADMIN,
            )
            for employment, prize in zip(
                rng.sample(active, k=min(len(active), 12)), prizes + [""] * 4, strict=False
            )
        ]
        CompetitionResult.objects.bulk_create(results, ignore_conflicts=True)
        rows_written.send(sender=TrainingRecord)

    def _seed_honours(self, rng: random.Random, enterprises: list[Enterprise]) -> None:
        """Honours of people and teams over three years, a studio led by a model worker with
        its results, and an open round of this year with nominations from the demo HR user's
        enterprise, one accepted (seed measures 3 and 7)."""
        from decimal import Decimal

        from django.utils import timezone

        from honors.models import (
            Honour,
            HonourSource,
            InnovationStudio,
            Nomination,
            NominationRound,
            NominationStep,
            StudioYearResult,
        )

        if Honour.objects.exists():
            return
        today = timezone.localdate()
        staff = get_user_model().objects.filter(username="staff").first()
        hr = get_user_model().objects.filter(username="hr").first()
        active = list(
            Employment.objects.filter(departure_date__isnull=True, enterprise__in=enterprises)
            .select_related("worker", "enterprise")
            .order_by("pk")
        )
        people = rng.sample(active, k=min(len(active), 10))
        person_honours = [
            ("model_worker", "shengzhou", today.year - 2, "嵊州市人民政府", "嵊政发〔%d〕12号"),
            ("model_worker", "shaoxing", today.year - 1, "绍兴市人民政府", "绍政发〔%d〕8号"),
            ("craftsman", "shengzhou", today.year - 1, "嵊州市总工会", "嵊工〔%d〕21号"),
            ("outstanding_craftsman", "shengzhou", today.year, "嵊州市总工会", "嵊工〔%d〕5号"),
            ("excellent_worker", "subdistrict", today.year, "剡湖街道总工会", "剡工〔%d〕3号"),
            ("excellent_worker", "subdistrict", today.year, "剡湖街道总工会", "剡工〔%d〕3号"),
        ]
        honours = [
            Honour(
                name=name,
                level=level,
                year=year,
                worker=employment.worker,
                awarding_body=body,
                document_number=number % year,
                source=HonourSource.ADMIN,
            )
            for employment, (name, level, year, body, number) in zip(
                people, person_honours, strict=False
            )
        ]
        for honour in honours:
            honour.full_clean()
            honour.save()
        for index, (team, name, level) in enumerate(
            (
                ("装配车间一班", "worker_pioneer", "shengzhou"),
                ("质检班组", "excellent_team", "subdistrict"),
            )
        ):
            enterprise = enterprises[index]
            team_honour = Honour.objects.create(
                name=name,
                level=level,
                year=today.year - index,
                enterprise=enterprise,
                team_name=team,
                awarding_body="嵊州市总工会",
                document_number="嵊工〔%d〕%d号" % (today.year - index, 30 + index),
                source=HonourSource.ADMIN,
            )
            team_honour.members.set(
                [e.worker for e in active if e.enterprise_id == enterprise.pk][:6]
            )

        leader = people[0]
        studio = InnovationStudio.objects.create(
            name="%s劳模创新工作室" % leader.worker.name,
            enterprise=leader.enterprise,
            leader=leader.worker,
            level="shengzhou",
            founded_on=datetime.date(today.year - 2, 4, 28),
        )
        studio.members.set(
            [e.worker for e in active if e.enterprise_id == leader.enterprise_id][:5]
        )
        for year, patents, improvements, savings, trainees in (
            (today.year - 2, 1, 4, "86000.00", 24),
            (today.year - 1, 3, 7, "215000.00", 41),
        ):
            StudioYearResult.objects.create(
                studio=studio,
                year=year,
                patents=patents,
                process_improvements=improvements,
                savings_yuan=Decimal(savings),
                trainees=trainees,
            )

        # An open round of this year: the demo HR user's enterprises have nominated.
        current = NominationRound.objects.create(
            title="%d年度剡湖街道基层劳模推评" % today.year,
            honour_name="model_worker",
            level="subdistrict",
            year=today.year,
            quota=5,
            opens_on=today - datetime.timedelta(days=7),
            closes_on=today + datetime.timedelta(days=14),
            criteria="在本街道企业连续工作满三年，爱岗敬业、业绩突出，一线职工优先。",
            awarding_body="剡湖街道办事处",
            min_frontline_share=Decimal("0.6"),
            created_by=staff,
        )
        NominationStep.objects.create(round=current, action="round_opened", actor=staff)
        candidates = [e for e in active if e.enterprise_id == enterprises[1].pk and e.is_frontline]
        for employment, status in zip(candidates[:2], ("submitted", "accepted"), strict=False):
            nomination = Nomination.objects.create(
                round=current,
                enterprise=employment.enterprise,
                worker=employment.worker,
                post=employment.position,
                summary="扎根生产一线，带徒传艺，提出合理化建议多条。",
                deeds="该同志扎根生产一线多年，技术过硬，带徒传艺，提出的工艺改进建议为企业"
                "节约成本十余万元。",
                status=status,
                submitted_by=hr,
            )
            NominationStep.objects.create(
                round=current, nomination=nomination, action="nominated", actor=hr
            )
            if status == "accepted":
                NominationStep.objects.create(
                    round=current, nomination=nomination, action="accepted", actor=staff
                )
        rows_written.send(sender=Honour)

    def _seed_workers(self, rng: random.Random, enterprises: list[Enterprise]) -> int:
        statuses = [
            (PoliticalStatus.MASSES, 60),
            (PoliticalStatus.PARTY_MEMBER, 14),
            (PoliticalStatus.PROBATIONARY_MEMBER, 3),
            (PoliticalStatus.LEAGUE_MEMBER, 18),
            (PoliticalStatus.DEMOCRATIC_PARTY, 2),
            (PoliticalStatus.NON_PARTY, 3),
        ]
        levels = [("", 30), (SkillLevel.APPRENTICE, 10), (SkillLevel.JUNIOR, 22)]
        levels += [(SkillLevel.INTERMEDIATE, 18), (SkillLevel.SENIOR, 12)]
        levels += [(SkillLevel.TECHNICIAN, 5), (SkillLevel.SENIOR_TECHNICIAN, 2)]
        levels += [(SkillLevel.CHIEF_TECHNICIAN, 1)]
        today = datetime.date.today()
        seen: set[str] = set()
        workers: list[Worker] = []
        plans: list[tuple[int, Enterprise]] = []
        for enterprise, spec in zip(enterprises, ENTERPRISES, strict=True):
            for _ in range(spec[5]):
                number = demo_id_number(rng)
                while number in seen:
                    number = demo_id_number(rng)
                seen.add(number)
                member = rng.random() < 0.7
                worker = Worker(
                    id_number=number,
                    name=rng.choice(SURNAMES)
                    + rng.choice(GIVEN)
                    + rng.choice(["", rng.choice(GIVEN)]),
                    phone="1%d%09d" % (rng.choice([3, 5, 7, 8]), rng.randrange(0, 10**9)),
                    education=rng.choice(["初中", "高中", "中专", "大专", "本科"]),
                    political_status=rng.choices(*zip(*statuses, strict=True))[0],
                    skill_level=rng.choices(*zip(*levels, strict=True))[0],
                    is_union_member=member,
                    union_joined_on=today - datetime.timedelta(days=rng.randrange(30, 3000))
                    if member
                    else None,
                )
                worker.derive_from_id_number()
                workers.append(worker)
                plans.append((len(workers) - 1, enterprise))
        Worker.objects.bulk_create(workers)

        employments: list[Employment] = []
        for worker_index, enterprise in plans:
            worker = workers[worker_index]
            earliest = worker.birth_date.replace(year=worker.birth_date.year + 18)
            start = max(earliest, datetime.date(2005, 1, 1))
            hire = start + datetime.timedelta(
                days=rng.randrange(0, max(1, (today - start).days - 30))
            )
            position = rng.choice(POSITIONS)
            departed = rng.random() < 0.06
            employments.append(
                Employment(
                    worker=worker,
                    enterprise=enterprise,
                    position=position,
                    is_frontline=position not in OFFICE_POSITIONS,
                    contract_type=rng.choice(
                        [ContractType.FIXED_TERM] * 6
                        + [ContractType.OPEN_ENDED] * 3
                        + [ContractType.DISPATCHED, ContractType.RETIREE_REHIRED]
                    ),
                    hire_date=hire,
                    departure_date=hire
                    + datetime.timedelta(days=rng.randrange(1, (today - hire).days + 1))
                    if departed
                    else None,
                )
            )
        # A few transfers: one person, a past job at one enterprise and a current one at another.
        for worker_index, enterprise in plans[:: len(plans) // 4][:4]:
            worker = workers[worker_index]
            current = next(e for e in employments if e.worker is worker)
            other = enterprises[(enterprises.index(enterprise) + 1) % len(enterprises)]
            earliest = worker.birth_date.replace(year=worker.birth_date.year + 18)
            if current.hire_date - earliest > datetime.timedelta(days=400):
                employments.append(
                    Employment(
                        worker=worker,
                        enterprise=other,
                        position=rng.choice(POSITIONS),
                        is_frontline=True,
                        contract_type=ContractType.FIXED_TERM,
                        hire_date=current.hire_date - datetime.timedelta(days=400),
                        departure_date=current.hire_date - datetime.timedelta(days=1),
                    )
                )
        Employment.objects.bulk_create(employments)
        rows_written.send(sender=Employment)
        return len(workers)

    def _seed_users(self, enterprises: list[Enterprise]) -> dict[str, Any]:
        user_model = get_user_model()
        specs = [
            ("staff", Role.STAFF, True, "街道", "工作人员"),
            ("hr", Role.HR, False, "企业", "人事"),
            ("union", Role.UNION_OFFICER, True, "工会", "干部"),
            ("official", Role.OFFICIAL, False, "市产改办", "领导"),
            # A 党建办 member who reports progress on the work list (demo.jobs.seed_worklist).
            ("worklist", Role.WORKLIST, False, "党建办", "填报人"),
        ]
        names: dict[str, Any] = {}
        for username, role, is_staff, last, first in specs:
            user, created = user_model.objects.get_or_create(
                username=username,
                defaults={"is_staff": is_staff, "last_name": last, "first_name": first},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(Group.objects.get(name=role))
            names[username] = user
            if role == Role.HR:
                for enterprise in enterprises[:2]:
                    enterprise.hr_users.add(user)
        return names
