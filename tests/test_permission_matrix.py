"""Who sees what, proven (DOMAIN.md "who uses it"; issue 12): every URL of the URL conf, the
admin's per model, fetched by every role, against a table written out here.

A URL the table does not classify fails `test_every_url_is_classified`: a new page must say who
may see it. Allowed: 200, or a redirect that is not to a login page. Denied: 403, 404 or a
redirect to a login page. POST-only URLs answer a GET with 405 (object-level POST checks are
the tests further down).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import factory
import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from core.roles import Role
from imports.models import ImportRecord
from tests import factories
from tests.factories import (
    EmploymentFactory,
    EnterpriseFactory,
    FeedbackAttachmentFactory,
    FundNoticeFactory,
    ImportRecordFactory,
    NominationFactory,
    NominationRoundFactory,
    ReportRunFactory,
    UserFactory,
    WorkerFactory,
    make_id_number,
)
from workers.models import Employment, Worker

pytestmark = pytest.mark.django_db

ANON, STAFF, HR, UNION, OFFICIAL, WORKLIST = (
    "anonymous",
    "staff",
    "hr",
    "union",
    "official",
    "worklist",
)
ROLE_GROUPS = {
    STAFF: Role.STAFF,
    HR: Role.HR,
    UNION: Role.UNION_OFFICER,
    OFFICIAL: Role.OFFICIAL,
    WORKLIST: getattr(Role, "WORKLIST", None),
}
ROLES = [ANON] + [name for name, role in ROLE_GROUPS.items() if role is not None]
# Who reaches the admin at all: the roles whose users are is_staff (tests/conftest.py).
ADMIN_USERS = {STAFF, UNION}

EVERYONE = frozenset(ROLES)
LOGGED_IN = EVERYONE - {ANON}
POST_ONLY = "post-only"  # a GET is 405 (or a login redirect for anonymous)

# --- the table: pages outside the admin ----------------------------------------------------
# name → roles allowed (DOMAIN.md): staff everything; HR their enterprise's uploads and
# workers; union officers workers read-only (no personal data), unions; officials reports and
# the work list; work-list reporters the work list.
PAGES: dict[str, frozenset[str] | str] = {
    "home": LOGGED_IN,
    "login": EVERYONE,
    "logout": POST_ONLY,
    "set_language": EVERYONE,
    "imports:template": frozenset({STAFF, HR}),
    "workers:list": frozenset({STAFF, HR, UNION}),
    "workers:detail": frozenset({STAFF, HR, UNION}),
    "workers:roster_template": frozenset({STAFF, HR}),
    "workers:roster_export": frozenset({STAFF, HR}),
    "workers:roster_home": frozenset({STAFF, HR}),
    "workers:roster_enterprise": frozenset({STAFF, HR}),
    "workers:roster_upload": frozenset({STAFF, HR}),
    "workers:roster_upload_progress": frozenset({STAFF, HR}),
    "workers:roster_upload_confirm": POST_ONLY,
    "workers:roster_upload_discard": POST_ONLY,
    "workers:roster_upload_retry": POST_ONLY,
    "workers:roster_upload_annotated": frozenset({STAFF, HR}),
    "workers:roster_upload_original": frozenset({STAFF, HR}),
    "workers:certificates_home": frozenset({STAFF, HR}),
    "workers:certificates_enterprise": frozenset({STAFF, HR}),
    "workers:certificates_template": frozenset({STAFF, HR}),
    "workers:certificates_upload": frozenset({STAFF, HR}),
    "workers:certificates_upload_progress": frozenset({STAFF, HR}),
    "workers:certificates_upload_confirm": POST_ONLY,
    "workers:certificates_upload_discard": POST_ONLY,
    "workers:certificates_upload_retry": POST_ONLY,
    "workers:certificates_upload_annotated": frozenset({STAFF, HR}),
    "workers:certificates_upload_original": frozenset({STAFF, HR}),
    "reports:figures": frozenset({STAFF, OFFICIAL}),
    "reports:request": POST_ONLY,
    "reports:run": frozenset({STAFF, OFFICIAL}),
    "reports:run_status": frozenset({STAFF, OFFICIAL}),
    "reports:download": frozenset({STAFF, OFFICIAL}),
    # Issue 15: the Word report beside the workbook; the progress section is written by staff
    # (officials read the published version on the report pages).
    "reports:run_docx": frozenset({STAFF, OFFICIAL}),
    "reports:narrative": frozenset({STAFF}),
    "reports:narrative_publish": POST_ONLY,
    "unions:dashboard": frozenset({STAFF, UNION}),
    "unions:enterprises": frozenset({STAFF, UNION}),
    "unions:membership": frozenset({STAFF, UNION}),
    "training:home": frozenset({STAFF, HR}),
    "training:compliance": frozenset({STAFF}),
    "training:enterprise": frozenset({STAFF, HR}),
    "training:template": frozenset({STAFF, HR}),
    "training:upload": frozenset({STAFF, HR}),
    "training:upload_progress": frozenset({STAFF, HR}),
    "training:upload_confirm": POST_ONLY,
    "training:upload_discard": POST_ONLY,
    "training:upload_retry": POST_ONLY,
    "training:upload_annotated": frozenset({STAFF, HR}),
    "training:upload_original": frozenset({STAFF, HR}),
    "training:notice": frozenset({STAFF, HR}),
    # The skills figures for any date and the technicians not on a stable contract (named).
    "training:skills": frozenset({STAFF}),
    "training:skills_export": frozenset({STAFF}),
    "training:records_home": frozenset({STAFF, HR}),
    "training:records_enterprise": frozenset({STAFF, HR}),
    "training:records_template": frozenset({STAFF, HR}),
    "training:records_upload": frozenset({STAFF, HR}),
    "training:records_upload_progress": frozenset({STAFF, HR}),
    "training:records_upload_confirm": POST_ONLY,
    "training:records_upload_discard": POST_ONLY,
    "training:records_upload_retry": POST_ONLY,
    "training:records_upload_annotated": frozenset({STAFF, HR}),
    "training:records_upload_original": frozenset({STAFF, HR}),
    "training:institutes": frozenset({STAFF}),
    # HR only of an enterprise employing the worker today; union officers see the worker page
    # without the 学习档案 (its download is not found for them).
    "training:learning_record_export": frozenset({STAFF, HR}),
    "training:competitions_template": frozenset({STAFF}),
    "honors:honours_template": frozenset({STAFF}),
    # Nomination rounds (issue 14): HR nominate for their enterprise, staff review; a 公示 is a
    # public notice once started (every role but the work list's reporters).
    "honors:nominations": frozenset({STAFF, HR}),
    "honors:nominate": frozenset({STAFF, HR}),
    "honors:nomination_edit": frozenset({STAFF, HR}),
    "honors:nomination_withdraw": POST_ONLY,
    "honors:nomination_attachment": frozenset({STAFF, HR}),
    "honors:rounds": frozenset({STAFF, HR, UNION, OFFICIAL}),
    "honors:round_detail": frozenset({STAFF}),
    "honors:publicity": frozenset({STAFF, HR, UNION, OFFICIAL}),
    "honors:publicity_export": frozenset({STAFF, HR, UNION, OFFICIAL}),
    # The craftsman pool (names, employer, post, skill level): staff and union officers; staff
    # alone add and remove by hand. Studios: HR see their own enterprises' (issue 14).
    "honors:craftsmen": frozenset({STAFF, UNION}),
    "honors:craftsmen_change": POST_ONLY,
    "honors:craftsmen_export": frozenset({STAFF, UNION}),
    "honors:studios": frozenset({STAFF, HR, UNION}),
    # Democratic management (issue 15): HR enter their enterprise's records, staff confirm them,
    # union officers read both pages. The record edited here is another enterprise's.
    "compliance:home": frozenset({STAFF, HR, UNION}),
    "compliance:pending": frozenset({STAFF, UNION}),
    "compliance:enterprise": frozenset({STAFF, HR, UNION}),
    "compliance:record_add": frozenset({STAFF, HR}),
    "compliance:record_edit": frozenset({STAFF}),
    "compliance:record_withdraw": POST_ONLY,
    "compliance:record_confirm": POST_ONLY,
    # Party organisation (issue 15): branch names and counts; staff and union officers.
    "party:organisation": frozenset({STAFF, UNION}),
    # 通知公告 (issue 16): HR read what is addressed to their enterprises, union officers and
    # staff read them all; officials see reports only.
    "notices:list": frozenset({STAFF, HR, UNION}),
    "notices:detail": frozenset({STAFF, HR, UNION}),
    "notices:attachment": frozenset({STAFF, HR, UNION}),
    "worklist:list": frozenset({STAFF, OFFICIAL, WORKLIST}),
    "worklist:detail": frozenset({STAFF, OFFICIAL, WORKLIST}),
    "worklist:attachment": frozenset({STAFF, OFFICIAL, WORKLIST}),
    # The admin's own pages (models are in ADMIN_MODELS below).
    "admin:login": EVERYONE,
    "admin:logout": POST_ONLY,
    "admin:index": frozenset(ADMIN_USERS),
    "admin:password_change": frozenset(ADMIN_USERS),
    "admin:password_change_done": frozenset(ADMIN_USERS),
    "admin:jsi18n": frozenset(ADMIN_USERS),
    "admin:app_list": frozenset(ADMIN_USERS),  # fetched for the workers app
    # Without its parameters refused for everyone; per field: test_admin_autocomplete.
    "admin:autocomplete": frozenset(),
    # No model here has get_absolute_url: not found for everyone who gets that far.
    "admin:view_on_site": frozenset(),
    # Custom admin pages.
    "admin:workers_worker_reveal": POST_ONLY,
    "admin:imports_importrecord_download": frozenset({STAFF}),
    "admin:enterprises_enterprise_upload": frozenset({STAFF}),
    "admin:enterprises_enterprise_roster_upload": frozenset({STAFF}),
    "admin:reports_reportrun_request": frozenset({STAFF}),
    "admin:auth_user_password_change": frozenset({STAFF}),
}
# Unnamed patterns: the old import-record addresses (a redirect into the admin) and the
# admin's catch-all; both only ever lead to named pages above.
UNNAMED = {
    r"^admin/core/importrecord/(?P<rest>.*)$",
    r"admin/(?P<url>.*)$",
}
# Each admin model's bare object address: a redirect to its change page (a model's pages).
_MODEL_OBJECT_REDIRECT = re.compile(r"admin/(\w+)/(\w+)/<path:object_id>/")

# --- the table: the admin, per model ---------------------------------------------------------
# label → {role: letters}: v view (changelist, change page read-only, history, export),
# a add, c change, d delete. Roles not named see nothing of the model.
ALL = "vacd"
ADMIN_MODELS: dict[str, dict[str, str]] = {
    "auth.User": {STAFF: "vac"},
    "auth.Group": {STAFF: "v"},
    "axes.AccessAttempt": {STAFF: "vd"},
    "axes.AccessLog": {STAFF: "v"},
    "axes.AccessFailureLog": {STAFF: "v"},
    "django_celery_beat.PeriodicTask": {STAFF: ALL},
    "django_celery_beat.ClockedSchedule": {STAFF: ALL},
    "django_celery_beat.CrontabSchedule": {STAFF: ALL},
    "django_celery_beat.IntervalSchedule": {STAFF: ALL},
    "django_celery_beat.SolarSchedule": {STAFF: ALL},
    # Logs: read by staff, written by services only.
    "core.AuditLog": {STAFF: "v"},
    "core.PersonalDataAccess": {STAFF: "v"},
    "imports.ImportRecord": {STAFF: "vd"},
    "imports.ImportRetention": {STAFF: "vc"},
    "enterprises.Village": {STAFF: ALL, UNION: "v"},
    "enterprises.IndustrialPark": {STAFF: ALL, UNION: "v"},
    "enterprises.Enterprise": {STAFF: ALL, UNION: "v"},
    "workers.Worker": {STAFF: ALL, UNION: "v"},
    "workers.Employment": {STAFF: ALL, UNION: "v"},
    "workers.WorkerTransfer": {STAFF: "v"},
    "unions.UnionOrganisation": {STAFF: ALL, UNION: ALL},
    "unions.UnionCoverage": {STAFF: ALL, UNION: ALL},
    "party.PartyBranch": {STAFF: ALL, UNION: "v"},
    "party.PartyBranchMember": {STAFF: ALL, UNION: "v"},
    "party.PartyActivity": {STAFF: ALL, UNION: "v"},
    "party.WorkerRepresentative": {STAFF: ALL, UNION: "v"},
    "training.FundRule": {STAFF: "vac"},
    "training.FundRuleChange": {STAFF: "v"},
    "training.FundDeclaration": {STAFF: ALL},
    "training.FundNotice": {STAFF: "vcd"},
    # The skills registers (issue 13): staff only; union officers see a worker's skill level
    # on the worker page, never a named worker's learning record.
    "training.InstituteCriterion": {STAFF: ALL},
    "training.TrainingInstitute": {STAFF: ALL},
    "training.SchoolEnterpriseCooperation": {STAFF: ALL},
    "training.Course": {STAFF: ALL},
    "training.TrainingRecord": {STAFF: ALL},
    "training.Competition": {STAFF: ALL},
    "training.CompetitionResult": {STAFF: ALL},
    "workers.SkillCertificate": {STAFF: ALL},
    "worklist.OwnerUnit": {STAFF: ALL},
    "worklist.ReformTask": {STAFF: ALL},
    "worklist.TaskFeedback": {STAFF: ALL},
    "compliance.WorkersCongressSession": {STAFF: ALL, UNION: "v"},
    "compliance.FactoryAffairsDisclosure": {STAFF: ALL, UNION: "v"},
    "compliance.CollectiveWageContract": {STAFF: ALL, UNION: "v"},
    # The union supervises labour-law enforcement: read-only (issue 15).
    "compliance.LabourInspection": {STAFF: ALL, UNION: "v"},
    # The honour register (issue 14): nothing is deleted; honours are public, so union officers
    # read it.
    "honors.Honour": {STAFF: "vac", UNION: "v"},
    # Rounds are opened and changed through honors.services, never deleted; nominations are
    # read-only in the admin (HR write them on their pages, staff review on the round page).
    "honors.NominationRound": {STAFF: "vac"},
    "honors.Nomination": {STAFF: "v"},
    # The craftsman pool's criteria (deleting one deactivates it) and its manual changes (kept
    # as made: added, never changed or deleted); the studios with their results inline.
    "honors.CraftsmanCriterion": {STAFF: ALL},
    "honors.CraftsmanPoolChange": {STAFF: "va"},
    "honors.InnovationStudio": {STAFF: ALL},
    "notices.Notice": {STAFF: ALL},
    "reports.ReportRun": {STAFF: "vd"},
    # A download log, yet staff may delete a row of it (reports/admin.py: to review).
    "reports.ReportDownload": {STAFF: "vd"},
    # Targets per figure and year, and the baseline period (issue 15): staff only. A baseline is
    # never deleted: another one is marked current instead.
    "reports.FigureTarget": {STAFF: ALL},
    "reports.BaselinePeriod": {STAFF: "vac"},
    # The progress section's versions, read-only: written and published on the report pages.
    "reports.ReportNarrative": {STAFF: "v"},
}
ADMIN_VIEWS = {
    "changelist": "v",
    "history": "v",
    "change": "v",
    "export_xlsx": "v",
    "add": "a",
    "delete": "d",
}


def _walk(resolver: URLResolver, ns: str = "", prefix: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ns + (pattern.namespace + ":" if pattern.namespace else "")
            yield from _walk(pattern, inner, prefix + str(pattern.pattern))
        else:
            assert isinstance(pattern, URLPattern)
            yield (ns + pattern.name if pattern.name else prefix + str(pattern.pattern)), pattern


def _admin_model_view(name: str) -> tuple[str, str] | None:
    """ "admin:workers_worker_change" → ("workers.Worker", "change") for registered models."""
    for model in admin.site._registry:
        stem = "admin:%s_%s_" % (model._meta.app_label, model._meta.model_name)
        if name.startswith(stem) and name[len(stem) :] in ADMIN_VIEWS:
            return model._meta.label, name[len(stem) :]
    return None


def test_every_url_is_classified():
    unclassified = []
    for name, _pattern in _walk(get_resolver()):
        if name in PAGES or name in UNNAMED:
            continue
        bare = _MODEL_OBJECT_REDIRECT.fullmatch(name)
        if bare and any(
            (m._meta.app_label, m._meta.model_name) == bare.groups()
            and m._meta.label in ADMIN_MODELS
            for m in admin.site._registry
        ):
            continue
        found = _admin_model_view(name)
        if found is None or found[0] not in ADMIN_MODELS:
            unclassified.append(name)
    assert not unclassified, "classify these URLs in PAGES or ADMIN_MODELS: %s" % unclassified
    registered = {model._meta.label for model in admin.site._registry}
    assert registered == set(ADMIN_MODELS), "admin models to classify or remove: %s" % (
        registered ^ set(ADMIN_MODELS)
    )


# --- the data every URL is fetched with ---------------------------------------------------

ID_A = make_id_number(901, datetime.date(1986, 4, 23))
PHONE_A = "13957512345"


def _factory_for(model: type[models.Model]) -> Any:
    for value in vars(factories).values():
        if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory):
            if value._meta.model is model:
                return value
    return None


@pytest.fixture
def world(roles):
    users = {}
    for name, role in ROLE_GROUPS.items():
        if role is None:
            continue
        user = UserFactory(username="matrix-" + name, is_staff=name in ADMIN_USERS)
        user.groups.add(Group.objects.get(name=role))
        users[name] = user
    own = EnterpriseFactory(name="甲企业")
    other = EnterpriseFactory(name="乙企业")
    own.hr_users.add(users[HR])
    worker = WorkerFactory(name="甲职工", id_number=ID_A, phone=PHONE_A)
    EmploymentFactory(worker=worker, enterprise=own)
    theirs = EmploymentFactory(enterprise=other, worker=WorkerFactory(name="乙职工")).worker
    roster = ImportRecordFactory(enterprise=own, uploaded_by=users[HR])
    invalid = ImportRecordFactory(
        enterprise=own,
        uploaded_by=users[HR],
        status=ImportRecord.Status.INVALID,
        errors=[{"row": 3, "column": "身份证号", "message": "身份证号校验位错误，请核对号码。"}],
    )
    funds = ImportRecordFactory(enterprise=own, uploaded_by=users[HR], kind="training_funds")
    training_records = ImportRecordFactory(
        enterprise=own, uploaded_by=users[HR], kind="training_records"
    )
    certificates = ImportRecordFactory(enterprise=own, uploaded_by=users[HR], kind="certificates")
    objects: dict[str, Any] = {
        "users": users,
        "own": own,
        "other": other,
        "worker": worker,
        "theirs": theirs,
        "roster": roster,
        "invalid": invalid,
        "funds": funds,
        "training_records": training_records,
        "certificates": certificates,
        "notice": FundNoticeFactory(enterprise=own),
        "run": ReportRunFactory(),
        "attachment": FeedbackAttachmentFactory(),
    }
    objects["task"] = objects["attachment"].feedback.task
    # Issue 14: an open round, and a round on 公示 with the own enterprise's nomination.
    objects["open_round"] = NominationRoundFactory()
    today = timezone.localdate()
    objects["nomination"] = NominationFactory(
        round=NominationRoundFactory(
            status="publicity",
            opens_on=today - datetime.timedelta(days=20),
            closes_on=today - datetime.timedelta(days=2),
            publicity_starts_on=today,
            publicity_ends_on=today + datetime.timedelta(days=6),
        ),
        enterprise=own,
        worker=worker,
        employed=False,
        status="accepted",
    )
    objects["nomination"].attachment.save("deeds.pdf", ContentFile(b"%PDF-1.4 deeds"))
    objects["run"].file.save("报告.xlsx", ContentFile(b"report"))
    # A notice to all enterprises (the own one among them), with an attachment.
    objects["notice_attachment"] = factories.NoticeAttachmentFactory()
    # One object of every model registered in the admin.
    instances: dict[str, models.Model | None] = {}
    for model in admin.site._registry:
        existing = model._default_manager.order_by("pk").first()
        if existing is None:
            factory = _factory_for(model)
            existing = factory() if factory is not None else None
        instances[model._meta.label] = existing
    instances["workers.Worker"] = worker
    instances["workers.Employment"] = Employment.objects.filter(worker=worker).first()
    objects["instances"] = instances
    return objects


def _page_url(name: str, world: dict[str, Any]) -> str | None:
    own, roster = world["own"], world["roster"]
    by_name = {
        "home": reverse("home"),
        "login": reverse("login"),
        "logout": reverse("logout"),
        "set_language": reverse("set_language"),
        "imports:template": reverse("imports:template", args=["roster", own.pk]),
        "workers:list": reverse("workers:list"),
        "workers:detail": reverse("workers:detail", args=[world["worker"].pk]),
        "workers:roster_template": reverse("workers:roster_template"),
        "workers:roster_export": reverse("workers:roster_export", args=[own.pk]),
        "workers:roster_home": reverse("workers:roster_home"),
        "workers:roster_enterprise": reverse("workers:roster_enterprise", args=[own.pk]),
        "workers:roster_upload_annotated": reverse(
            "workers:roster_upload_annotated", args=[world["invalid"].pk]
        ),
        "reports:figures": reverse("reports:figures"),
        "reports:request": reverse("reports:request"),
        "unions:dashboard": reverse("unions:dashboard"),
        "unions:enterprises": reverse("unions:enterprises"),
        "unions:membership": reverse("unions:membership", args=[world["worker"].pk]),
        "training:home": reverse("training:home"),
        "training:compliance": reverse("training:compliance"),
        "training:enterprise": reverse("training:enterprise", args=[own.pk]),
        "training:template": reverse("training:template", args=[own.pk]),
        "training:upload_annotated": None,  # a valid funds upload: nothing to annotate
        "training:notice": reverse("training:notice", args=[world["notice"].pk]),
        "training:records_home": reverse("training:records_home"),
        "training:records_enterprise": reverse("training:records_enterprise", args=[own.pk]),
        "training:records_template": reverse("training:records_template", args=[own.pk]),
        "training:records_upload_annotated": None,  # a valid upload: nothing to annotate
        "training:institutes": reverse("training:institutes"),
        "training:learning_record_export": reverse(
            "training:learning_record_export", args=[world["worker"].pk]
        ),
        "training:competitions_template": reverse("training:competitions_template"),
        "workers:certificates_home": reverse("workers:certificates_home"),
        "workers:certificates_enterprise": reverse(
            "workers:certificates_enterprise", args=[own.pk]
        ),
        "workers:certificates_template": reverse("workers:certificates_template"),
        "workers:certificates_upload_annotated": None,  # a valid upload: nothing to annotate
        "worklist:list": reverse("worklist:list"),
        "worklist:detail": reverse("worklist:detail", args=[world["task"].pk]),
        "worklist:attachment": reverse("worklist:attachment", args=[world["attachment"].pk]),
        "honors:nominations": reverse("honors:nominations"),
        "honors:nominate": reverse("honors:nominate", args=[world["open_round"].pk, own.pk]),
        "honors:nomination_edit": reverse("honors:nomination_edit", args=[world["nomination"].pk]),
        "honors:nomination_withdraw": reverse(
            "honors:nomination_withdraw", args=[world["nomination"].pk]
        ),
        "honors:nomination_attachment": reverse(
            "honors:nomination_attachment", args=[world["nomination"].pk]
        ),
        "honors:rounds": reverse("honors:rounds"),
        "honors:round_detail": reverse("honors:round_detail", args=[world["nomination"].round_id]),
        "honors:publicity": reverse("honors:publicity", args=[world["nomination"].round_id]),
        "honors:publicity_export": reverse(
            "honors:publicity_export", args=[world["nomination"].round_id]
        ),
        "honors:craftsmen": reverse("honors:craftsmen"),
        "honors:craftsmen_change": reverse("honors:craftsmen_change"),
        "honors:craftsmen_export": reverse("honors:craftsmen_export"),
        "honors:studios": reverse("honors:studios"),
        "compliance:home": reverse("compliance:home"),
        "compliance:pending": reverse("compliance:pending"),
        "compliance:enterprise": reverse("compliance:enterprise", args=[own.pk]),
        "compliance:record_add": reverse("compliance:record_add", args=[own.pk, "congress"]),
        "compliance:record_edit": reverse(
            "compliance:record_edit",
            args=["congress", world["instances"]["compliance.WorkersCongressSession"].pk],
        ),
        "compliance:record_withdraw": reverse(
            "compliance:record_withdraw",
            args=["congress", world["instances"]["compliance.WorkersCongressSession"].pk],
        ),
        "compliance:record_confirm": reverse(
            "compliance:record_confirm",
            args=["congress", world["instances"]["compliance.WorkersCongressSession"].pk],
        ),
        "party:organisation": reverse("party:organisation"),
        "notices:list": reverse("notices:list"),
        "notices:detail": reverse("notices:detail", args=[world["notice_attachment"].notice_id]),
        "notices:attachment": reverse("notices:attachment", args=[world["notice_attachment"].pk]),
        "admin:login": reverse("admin:login"),
        "admin:logout": reverse("admin:logout"),
        "admin:index": reverse("admin:index"),
        "admin:password_change": reverse("admin:password_change"),
        "admin:password_change_done": reverse("admin:password_change_done"),
        "admin:jsi18n": reverse("admin:jsi18n"),
        "admin:app_list": reverse("admin:app_list", args=["workers"]),
        "admin:view_on_site": reverse(
            "admin:view_on_site",
            args=[ContentType.objects.get_for_model(Worker).pk, world["worker"].pk],
        ),
        "admin:workers_worker_reveal": reverse(
            "admin:workers_worker_reveal", args=[world["worker"].pk]
        ),
        "admin:imports_importrecord_download": reverse(
            "admin:imports_importrecord_download", args=[roster.pk]
        ),
        "admin:enterprises_enterprise_upload": reverse(
            "admin:enterprises_enterprise_upload", args=[own.pk, "roster"]
        ),
        "admin:enterprises_enterprise_roster_upload": reverse(
            "admin:enterprises_enterprise_roster_upload", args=[own.pk]
        ),
        "admin:reports_reportrun_request": reverse("admin:reports_reportrun_request"),
        "admin:auth_user_password_change": reverse(
            "admin:auth_user_password_change", args=[world["users"][STAFF].pk]
        ),
    }
    for prefix, record in (("workers:roster_upload", roster), ("training:upload", world["funds"])):
        for suffix in ("", "_progress", "_confirm", "_discard", "_retry", "_original"):
            by_name[prefix + suffix] = reverse(prefix + suffix, args=[record.pk])
    for suffix in ("", "_progress", "_confirm", "_discard", "_retry", "_original"):
        page = "workers:certificates_upload" + suffix
        by_name[page] = reverse(page, args=[world["certificates"].pk])
    for suffix in ("", "_progress", "_confirm", "_discard", "_retry", "_original"):
        page = "training:records_upload" + suffix
        by_name[page] = reverse(page, args=[world["training_records"].pk])
    run = world["run"]
    for run_page in ("reports:run", "reports:run_status", "reports:download", "reports:run_docx"):
        by_name[run_page] = reverse(run_page, args=[run.pk])
    by_name["reports:narrative"] = reverse("reports:narrative", args=[run.kind, run.period])
    by_name["reports:narrative_publish"] = reverse("reports:narrative_publish", args=[1])
    return by_name.get(name)


def _is_login(response) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and ("/accounts/login/" in location or "/login/" in location)


def _verdict(response, allowed: frozenset[str] | str, role: str) -> str | None:
    """None when the answer is what the table says, else what went wrong."""
    status = response.status_code
    if allowed == POST_ONLY:
        ok = status == 405 or (role == ANON and _is_login(response)) or status in (403, 302)
        return None if ok else "GET of a POST-only URL answered %s" % status
    if role in allowed:
        ok = status in (200, 204) or (status == 302 and not _is_login(response))
    else:
        ok = status in (403, 404) or _is_login(response)
    return None if ok else "answered %s (%s)" % (status, response.get("Location", ""))


def _login(client, world, role):
    client.logout()
    if role != ANON:
        client.force_login(world["users"][role])


@pytest.mark.parametrize("role", ROLES)
def test_pages(client, world, role):
    _login(client, world, role)
    wrong = []
    for name, _pattern in _walk(get_resolver()):
        if name not in PAGES:
            continue
        url = _page_url(name, world)
        if url is None:
            continue
        response = client.get(url)
        problem = _verdict(response, PAGES[name], role)
        if problem:
            wrong.append("%s %s: %s" % (name, url, problem))
    assert not wrong, "\n".join(wrong)


def _has_url(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def _admin_allowed(label: str, view: str, role: str) -> frozenset[str]:
    letters = ADMIN_MODELS[label].get(role, "") if role in ADMIN_USERS else ""
    return frozenset({role}) if ADMIN_VIEWS[view] in letters else frozenset()


@pytest.mark.parametrize("role", ROLES)
def test_admin_model_pages(client, world, role):
    _login(client, world, role)
    wrong = []
    for model in admin.site._registry:
        label = model._meta.label
        obj = world["instances"][label]
        info = (model._meta.app_label, model._meta.model_name)
        for view in ADMIN_VIEWS:
            name = "admin:%s_%s_%s" % (*info, view)
            if view in ("change", "history", "delete"):
                if obj is None:
                    continue  # no object to fetch (see the report of uncovered models)
                url = reverse(name, args=[obj.pk])
            else:
                if view == "export_xlsx" and not _has_url(name):
                    continue  # an admin without an export
                url = reverse(name)
            response = client.get(url)
            problem = _verdict(response, _admin_allowed(label, view, role), role)
            if problem:
                wrong.append("%s %s: %s" % (name, url, problem))
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_admin_autocomplete(client, world, role):
    """Every autocomplete field of every admin (inlines too): results only for roles that
    view both the form's model and the model offered."""
    _login(client, world, role)
    wrong = []
    for model, model_admin in admin.site._registry.items():
        fields = set(model_admin.autocomplete_fields)
        for inline in model_admin.inlines:
            fields |= {(inline.model, f) for f in inline.autocomplete_fields}
        for field in fields:
            source, field_name = (model, field) if isinstance(field, str) else field
            target = source._meta.get_field(field_name).related_model
            response = client.get(
                reverse("admin:autocomplete"),
                {
                    "app_label": source._meta.app_label,
                    "model_name": source._meta.model_name,
                    "field_name": field_name,
                    "term": "",
                },
            )
            if source._meta.label not in ADMIN_MODELS:
                continue  # an inline's own model: the autocomplete answers for registered ones
            # Django's rule: whoever views the model offered (its names only); the form's
            # model need only be registered with the field in its autocomplete_fields.
            allowed = _admin_allowed(target._meta.label, "changelist", role)
            problem = _verdict(response, allowed, role)
            if problem:
                wrong.append("%s.%s: %s" % (source._meta.label, field_name, problem))
    assert not wrong, "\n".join(wrong)


# --- object level: HR of one enterprise reaching another's ---------------------------------


@pytest.fixture
def hr_b_world(world):
    """A second enterprise's worker, employment and uploads."""
    other = world["other"]
    hr_b = UserFactory(username="matrix-hr-b")
    hr_b.groups.add(Group.objects.get(name=Role.HR))
    other.hr_users.add(hr_b)
    validated = ImportRecordFactory(
        enterprise=other, uploaded_by=hr_b, status=ImportRecord.Status.VALIDATED
    )
    invalid = ImportRecordFactory(
        enterprise=other,
        uploaded_by=hr_b,
        status=ImportRecord.Status.INVALID,
        errors=[{"row": 3, "column": "身份证号", "message": "错误"}],
    )
    return {**world, "validated_b": validated, "invalid_b": invalid}


def test_hr_of_a_gets_404_for_everything_of_b(client, hr_b_world):
    world = hr_b_world
    client.force_login(world["users"][HR])
    theirs = world["theirs"]
    employment_b = Employment.objects.get(worker=theirs)
    gets = [
        reverse("workers:detail", args=[theirs.pk]),
        reverse("workers:roster_enterprise", args=[world["other"].pk]),
        reverse("workers:roster_export", args=[world["other"].pk]),
        reverse("workers:roster_upload", args=[world["validated_b"].pk]),
        reverse("workers:roster_upload_progress", args=[world["validated_b"].pk]),
        reverse("workers:roster_upload_original", args=[world["validated_b"].pk]),
        reverse("workers:roster_upload_annotated", args=[world["invalid_b"].pk]),
        reverse("imports:template", args=["roster", world["other"].pk]),
        reverse("training:records_enterprise", args=[world["other"].pk]),
        reverse("training:records_template", args=[world["other"].pk]),
        reverse("imports:template", args=["training_records", world["other"].pk]),
        reverse("training:learning_record_export", args=[theirs.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    # HR have no admin: a change of B's worker or employment goes to the admin login.
    for url in (
        reverse("admin:workers_worker_change", args=[theirs.pk]),
        reverse("admin:workers_employment_change", args=[employment_b.pk]),
    ):
        response = client.post(url, {"name": "改名", "position": "改岗"})
        assert _is_login(response) or response.status_code in (403, 404), url
    # Applying B's upload: not found, and nothing is applied.
    confirm = reverse("workers:roster_upload_confirm", args=[world["validated_b"].pk])
    assert client.post(confirm, {"confirm_departures": "on"}).status_code == 404
    world["validated_b"].refresh_from_db()
    assert world["validated_b"].status == ImportRecord.Status.VALIDATED
    retry = reverse("workers:roster_upload_retry", args=[world["validated_b"].pk])
    assert client.post(retry).status_code == 404
    discard = reverse("workers:roster_upload_discard", args=[world["validated_b"].pk])
    assert client.post(discard).status_code == 404
    world["validated_b"].refresh_from_db()
    assert world["validated_b"].status == ImportRecord.Status.VALIDATED
    theirs.refresh_from_db()
    employment_b.refresh_from_db()
    assert theirs.name == "乙职工" and employment_b.position == "操作工"
    # The worker page's unmask is staff's: a POST for B's worker is not found either.
    assert client.post(reverse("workers:detail", args=[theirs.pk])).status_code == 404


# --- no personal data for union officers and officials, anywhere they may look ---------------


def _forbidden_fragments(worker: Worker) -> list[str]:
    number, phone, birth = worker.id_number, worker.phone, worker.birth_date
    fragments = [
        number,
        number.lower(),
        worker.masked_id_number,
        number[:6] + number[-4:],
        number[6:14],  # the birth date as the number holds it
        phone,
        birth.isoformat(),
        "%d年%d月" % (birth.year, birth.month),
        "%d年" % birth.year,
        birth.strftime("%Y/%m/%d"),
    ]
    fragments += [phone[i : i + 7] for i in range(len(phone) - 6)]
    return fragments


def _pages_for(role: str, world: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
    urls: list[tuple[str, dict[str, str]]] = []
    for name, allowed in PAGES.items():
        if allowed != POST_ONLY and role in allowed:
            url = _page_url(name, world)
            if url:
                urls.append((url, {}))
    if role in ADMIN_USERS:
        for model in admin.site._registry:
            label = model._meta.label
            if "v" not in ADMIN_MODELS[label].get(role, ""):
                continue
            info = (model._meta.app_label, model._meta.model_name)
            urls.append((reverse("admin:%s_%s_changelist" % info), {}))
            if _has_url("admin:%s_%s_export_xlsx" % info):
                urls.append((reverse("admin:%s_%s_export_xlsx" % info), {}))
            obj = world["instances"][label]
            if obj is not None:
                urls.append((reverse("admin:%s_%s_change" % info, args=[obj.pk]), {}))
                urls.append((reverse("admin:%s_%s_history" % info, args=[obj.pk]), {}))
        for app_label, model_name in (("party", "partybranchmember"), ("workers", "employment")):
            for term in ("", "甲", world["worker"].id_number, world["worker"].id_number[:6]):
                urls.append(
                    (
                        reverse("admin:autocomplete"),
                        {
                            "app_label": app_label,
                            "model_name": model_name,
                            "field_name": "worker",
                            "term": term,
                        },
                    )
                )
    return urls


def _xlsx_text(content: bytes) -> str:
    """An .xlsx's cell text (the bytes are zipped): shared strings and inline values."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return "".join(
            book.read(name).decode("utf-8", "replace")
            for name in book.namelist()
            if name.endswith(".xml")
        )


@pytest.mark.parametrize("role", [UNION, OFFICIAL])
def test_no_personal_data_reaches_union_officers_or_officials(client, world, role):
    from party.models import PartyBranchMember
    from tests.factories import PartyBranchFactory, WorkerRepresentativeFactory

    worker = world["worker"]
    Worker.objects.filter(pk=worker.pk).update(political_status="中共党员")
    worker.refresh_from_db()
    PartyBranchMember.objects.create(
        branch=PartyBranchFactory(), worker=worker, joined_on=datetime.date(2019, 7, 1)
    )
    WorkerRepresentativeFactory(worker=worker)
    world["instances"]["party.PartyBranchMember"] = PartyBranchMember.objects.get(worker=worker)
    client.force_login(world["users"][role])
    fragments = _forbidden_fragments(worker)
    leaks = []
    seen = 0
    named = False  # the worker is on the pages: by name
    for url, params in _pages_for(role, world):
        response = client.get(url, params)
        if response.status_code != 200:
            continue
        seen += 1
        content = b"".join(response) if getattr(response, "streaming", False) else response.content
        text = content.decode("utf-8", "replace")
        if content[:2] == b"PK":
            text = _xlsx_text(content)
        named = named or worker.name in text
        leaks += ["%s %s: %s" % (url, params, f) for f in fragments if f and f in text]
    assert seen, "no page fetched"
    assert named or role == OFFICIAL, "the worker appears on no page: nothing was proven"
    assert not leaks, "\n".join(leaks)
    # And the search and filters never find by ID number, phone or birth date.
    if role == UNION:
        changelist = reverse("admin:workers_worker_changelist")
        found = client.get(changelist, {"q": worker.id_number})
        assert found.status_code == 200 and not list(found.context["cl"].result_list)
        for lookup in (
            {"id_number": worker.id_number},
            {"id_number__startswith": worker.id_number[:10]},
            {"id_number_digest__isnull": "0"},
            {"phone__contains": worker.phone[:7]},
            {"birth_date__year": str(worker.birth_date.year)},
            {"employments__worker__birth_date__gte": "1900-01-01"},
        ):
            answer = client.get(changelist, lookup)
            assert answer.status_code == 400, lookup
        for model in ("employment",):
            url = reverse("admin:workers_%s_changelist" % model)
            assert client.get(url, {"worker__id_number": worker.id_number}).status_code == 400
            assert client.get(url, {"q": worker.id_number}).context["cl"].result_count == 0
        party = reverse("admin:party_partybranchmember_changelist")
        assert client.get(party, {"q": worker.id_number}).context["cl"].result_count == 0
        assert client.get(party, {"worker__phone": worker.phone}).status_code == 400
