"""Chinese where staff read codes (issue 16 "English in staff pages"): audit actions and object
types, import sources, users by name, periodic tasks and their schedules, the admin's widgets."""

import ast
import itertools
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from core.audit_labels import action_label, action_words, model_label
from imports import registry
from imports.models import ImportRecord
from tests.factories import (
    AuditLogFactory,
    EnterpriseFactory,
    ImportRecordFactory,
    UserFactory,
)
from workers.models import WorkerTransfer

LATIN = re.compile(r"[A-Za-z]")
AUDIT_CALLS = {"audit_record", "record_save", "record_delete"}
ROOT = Path(settings.BASE_DIR)
SKIPPED_DIRS = {".venv", "tests", "migrations", "bench", "node_modules", "static", "media"}


def _source_files():
    for path in ROOT.rglob("*.py"):
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


def _strings(node):
    """The action codes an expression can hold: literals, both arms of `a if c else b`, and
    the format of `"import.%s.%s" % (...)` (kept with its placeholders)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        yield from _strings(node.left)


CODE_SHAPE = re.compile(r"^[a-z_]+(\.[a-z_%]+){1,2}$")


def _written_action_codes():
    """Every action code the portal's source hands to the audit log: `action=` of the audit
    calls, plus any literal of the code's shape in a module that calls them (codes passed
    through a helper or a table, e.g. compliance's _CONFIRM_ACTIONS)."""
    codes: dict[str, str] = {}
    for path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls_audit = False
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in AUDIT_CALLS:
                continue
            calls_audit = True
            for keyword in node.keywords:
                if keyword.arg == "action":
                    for code in _strings(keyword.value):
                        codes[code] = str(path.relative_to(ROOT))
        if calls_audit and "services" in path.name:
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    if CODE_SHAPE.match(node.value) and node.value.count(".") >= 1:
                        codes.setdefault(node.value, str(path.relative_to(ROOT)))
    return codes


def _expanded(code):
    """A code written with placeholders, as the values that fill them."""
    kinds = [registration.kind for registration in registry.registered()]
    statuses = list(ImportRecord.Status.values)
    if code == "import.%s.%s":
        return ["import.%s.%s" % pair for pair in itertools.product(kinds, statuses)]
    if code.startswith("import.%s."):
        return [code.replace("%s", kind) for kind in kinds]
    if code == "workers.transfer.%s":
        return ["workers.transfer.%s" % status for status in WorkerTransfer.Status.values]
    assert "%" not in code, "tell this test what fills the placeholders of %r" % code
    return [code]


def test_every_action_code_the_source_writes_has_a_chinese_label():
    codes = _written_action_codes()
    # The collection itself works: codes of each shape are found.
    assert {"import.%s.%s", "workers.transfer.%s", "honors.honour.created"} <= set(codes)
    assert "compliance.congress_session.confirmed" in codes
    assert "xlsx_export" in codes
    unlabelled = []
    for code, where in sorted(codes.items()):
        for concrete in _expanded(code):
            words = action_words(concrete)
            if words is None or any(LATIN.search(word) for word in words):
                unlabelled.append("%s (%s)" % (concrete, where))
    assert not unlabelled, "action codes without a Chinese label: %s" % ", ".join(unlabelled)


def test_action_labels_are_built_from_parts():
    assert action_label("import.roster.applied") == "导入·花名册·已导入"
    assert action_label("workers.transfer.pending") == "产业工人·跨企业调动·待处理"
    assert action_label("report.narrative_saved") == "改革报告·进展情况·保存"
    assert action_label("report.requested") == "改革报告·申请生成"
    # A code the tables do not know stays as it is rather than being half translated.
    assert action_label("someapp.thing.exploded") == "someapp.thing.exploded"


def test_object_types_read_as_the_models_chinese_name():
    assert model_label("imports.ImportRecord") == "导入记录"
    # The model lived in core before: old rows still read well.
    assert model_label("core.ImportRecord") == "导入记录"
    assert model_label("workers.Worker") == str(
        apps.get_model("workers", "Worker")._meta.verbose_name
    )
    assert model_label("") == ""
    assert model_label("nothing.Here") == "nothing.Here"


@pytest.fixture
def named_actor(db):
    return UserFactory(username="hr-zhang", first_name="三", last_name="张")


def test_audit_log_admin_shows_labels_with_the_code_kept(client, staff_user, named_actor):
    staff_user.is_superuser = True
    staff_user.save()
    entry = AuditLogFactory(
        actor=named_actor, action="import.roster.applied", object_type="core.ImportRecord"
    )
    client.force_login(staff_user)
    changelist = client.get(reverse("admin:core_auditlog_changelist"))
    html = changelist.content.decode()
    assert "导入·花名册·已导入" in html
    assert 'title="import.roster.applied"' in html  # the raw code as a tooltip
    assert "导入记录" in html
    assert "张三" in html
    # The filter offers the label and filters by the code.
    filtered = client.get(
        reverse("admin:core_auditlog_changelist"), {"action": "import.roster.applied"}
    )
    assert filtered.context["cl"].result_count == 1
    assert "导入·花名册·已导入" in "".join(
        str(choice["display"])
        for spec in filtered.context["cl"].filter_specs
        for choice in spec.choices(filtered.context["cl"])
    )
    detail = client.get(reverse("admin:core_auditlog_change", args=[entry.pk])).content.decode()
    assert "操作代码" in detail and "import.roster.applied" in detail


def test_personal_data_access_admin_shows_object_type_and_actor_by_name(
    client, staff_user, named_actor
):
    from core.services import personal_data_access_record

    personal_data_access_record(
        actor=named_actor, action="export", object_type="workers.Worker", count=3
    )
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    html = client.get(reverse("admin:core_personaldataaccess_changelist")).content.decode()
    worker_name = str(apps.get_model("workers", "Worker")._meta.verbose_name)
    assert worker_name in html
    assert "张三" in html
    assert ">workers.Worker<" not in html


def test_import_record_source_reads_in_chinese(client, staff_user):
    assert dict(ImportRecord.Source.choices) == {
        "web": "网页上传",
        "cli": "命令行导入",
        "bench": "性能测试",
    }
    uploader = UserFactory(username="hr-li", first_name="四", last_name="李")
    ImportRecordFactory(source="web", uploaded_by=uploader)
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    html = client.get(reverse("admin:imports_importrecord_changelist")).content.decode()
    assert "网页上传" in html
    assert "李四" in html
    assert ">web<" not in html


def test_core_app_has_a_meaningful_name():
    assert str(apps.get_app_config("core").verbose_name) == "系统与日志"


def test_user_admin_shows_names_in_chinese_order(client, staff_user, named_actor):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    changelist = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "张三" in changelist
    change = client.get(reverse("admin:auth_user_change", args=[named_actor.pk]))
    html = change.content.decode()
    assert html.index('name="last_name"') < html.index('name="first_name"')
    add = client.get(reverse("admin:auth_user_add")).content.decode()
    assert add.index('name="last_name"') < add.index('name="first_name"')


def test_hr_account_picker_lists_users_by_name(client, staff_user, named_actor):
    enterprise = EnterpriseFactory()
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    html = client.get(
        reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
    ).content.decode()
    assert "张三（hr-zhang）" in html


# -- Periodic tasks (django-celery-beat) ---------------------------------------------------


def _cron(expression, zone="Asia/Shanghai"):
    from django_celery_beat.models import CrontabSchedule

    minute, hour, day_of_month, month_of_year, day_of_week = expression.split()
    return CrontabSchedule(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
        timezone=zone,
    )


@pytest.mark.parametrize(
    "expression, words",
    [
        ("0 2 1 1,4,7,10 *", "每年1、4、7、10月1日 02:00"),
        ("30 3 * * *", "每天 03:30"),
        ("0 2 1 * *", "每月1日 02:00"),
        ("*/5 * * * *", "每5分钟"),
        ("0 8 * * 1-5", "每周一至五 08:00"),
        ("0 9,14 * * 0", "每周日 09:00、14:00"),
        ("15 * * * *", "每小时的第15分"),
    ],
)
def test_crontab_schedules_read_in_chinese(expression, words):
    from core.beat_admin import crontab_description

    assert crontab_description(_cron(expression)) == words


def test_other_schedules_read_in_chinese():
    from django_celery_beat.models import IntervalSchedule

    from core.beat_admin import crontab_description, interval_description

    assert interval_description(IntervalSchedule(every=10, period="minutes")) == "每 10 分钟"
    assert interval_description(IntervalSchedule(every=1, period="days")) == "每天"
    assert crontab_description(_cron("0 2 * * *", zone="UTC")) == "每天 02:00（时区 UTC）"


def test_every_celery_task_has_a_chinese_description():
    from core.beat_admin import TASK_LABELS
    from jianzhou_reform.celery import app

    app.loader.import_default_modules()
    portal_tasks = {name for name in app.tasks if not name.startswith("celery.")}
    assert portal_tasks - set(TASK_LABELS) == set()
    assert not [label for label in TASK_LABELS.values() if LATIN.search(str(label))]


def test_periodic_task_admin_in_chinese(client, staff_user):
    from tests.factories import CrontabScheduleFactory, PeriodicTaskFactory

    crontab = CrontabScheduleFactory(
        minute="0", hour="2", day_of_month="1", month_of_year="1,4,7,10"
    )
    task = PeriodicTaskFactory(
        name="季度报告测试", task="reports.tasks.report_scheduled_task", crontab=crontab
    )
    client.force_login(staff_user)
    html = client.get(reverse("admin:django_celery_beat_periodictask_changelist")).content.decode()
    assert "定时生成改革进展报告" in html
    assert 'title="reports.tasks.report_scheduled_task"' in html
    assert "每年1、4、7、10月1日 02:00" in html
    for english in ("SCHEDULER", "Scheduler", "Task Name", "Periodic Tasks"):
        assert english not in html
    add = client.get(reverse("admin:django_celery_beat_periodictask_add")).content.decode()
    assert "定时生成改革进展报告" in add  # the task select
    assert "每年1、4、7、10月1日 02:00" in add  # the crontab select and its readable list
    assert ">Schedule<" not in add and "Execution Options" not in add
    change = client.get(
        reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])
    ).content.decode()
    assert (
        '<option value="reports.tasks.report_scheduled_task" selected>定时生成改革进展报告'
        in change
    )
    assert "True" not in change and "False" not in change
    crontabs = client.get(
        reverse("admin:django_celery_beat_crontabschedule_changelist")
    ).content.decode()
    assert "每年1、4、7、10月1日 02:00" in crontabs and "0 2 1 1,4,7,10 *" in crontabs
    assert "北京时间（Asia/Shanghai）" in crontabs
    index = client.get(reverse("admin:index")).content.decode()
    assert "周期性任务" in index and "Periodic" not in index


# -- The admin's JavaScript strings ------------------------------------------------------------


def test_admin_javascript_catalog_has_the_picker_help_in_chinese(client, staff_user):
    client.force_login(staff_user)
    catalog = client.get("/admin/jsi18n/").content.decode()
    assert "Choose %s by selecting them" in catalog  # the msgid, as the key
    assert "\\u9009\\u4e2d\\u5de6\\u4fa7" in catalog or "选中左侧" in catalog
    assert "(click to clear)" in catalog and (
        "\\uff08\\u70b9\\u51fb\\u6e05\\u9664\\uff09" in catalog or "（点击清除）" in catalog
    )


def test_upload_page_names_the_uploader_not_the_login(client, hr_user):
    hr_user.last_name, hr_user.first_name = "王", "五"
    hr_user.save()
    record = ImportRecordFactory(uploaded_by=hr_user)
    record.enterprise.hr_users.add(hr_user)
    client.force_login(hr_user)
    html = client.get(registry.get("roster").upload_url("", record.pk)).content.decode()
    assert "王五 于" in html
    assert "由 王五 确认导入" in html
    assert "hr 于" not in html


def test_permissions_read_in_chinese_where_staff_see_them(client, staff_user):
    from django.contrib.auth.models import Group, Permission

    from core.admin import permission_label

    permission = Permission.objects.get(codename="add_enterprise")
    assert permission_label(permission) == "区域与企业 | 企业 | 可以添加企业"
    group = Group.objects.create(name="测试组")
    group.permissions.add(permission)
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    html = client.get(reverse("admin:auth_group_change", args=[group.pk])).content.decode()
    assert "可以添加企业" in html and "Can add" not in html


def test_no_changelist_shows_a_user_by_login_name():
    """A user field as a column shows User.__str__, the login name: columns use
    core.admin.user_column (the name in Chinese order) instead."""
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.core.exceptions import FieldDoesNotExist

    user_model = get_user_model()
    by_login = []
    for model, model_admin in admin.site._registry.items():
        for item in model_admin.list_display:
            if not isinstance(item, str):
                continue
            try:
                field = model._meta.get_field(item)
            except FieldDoesNotExist:
                continue
            if field.is_relation and field.related_model is user_model:
                by_login.append("%s.%s" % (model._meta.label, item))
    assert by_login == []


def test_user_columns_show_names(client, staff_user):
    from tests.factories import TaskFeedbackFactory

    author = UserFactory(username="unit-zhao", first_name="六", last_name="赵")
    TaskFeedbackFactory(author=author)
    client.force_login(staff_user)
    html = client.get(reverse("admin:worklist_taskfeedback_changelist")).content.decode()
    assert "赵六" in html
