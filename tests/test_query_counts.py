"""A list's queries do not grow with its rows (STYLE.md: query-count assertions on list pages).

Every changelist of the admin site (`admin.site._registry`, so a new registration is covered
without an edit here) and every list page of the portal, each opened by the role that uses it,
with FEW rows and then with MANY: the number of queries must stay the same. Rows come from
tests/factories.py with every nullable foreign key filled, so that a column showing one cannot
hide an N+1 behind NULLs. A registered model without a factory fails here, it is not skipped.
"""

import datetime
import io
import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import factory
import openpyxl
import pytest
from django.contrib import admin
from django.db import connection
from django.forms.models import _get_foreign_key
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.choices import ContractType
from core.roles import ROLE_PERMISSIONS, Role
from enterprises.models import Enterprise
from imports.admin import XlsxExportMixin
from imports.models import ImportRecord
from reports.models import ReportRun
from tests import factories as f
from training.importers import TRAINING_FUNDS
from unions.models import UnionMembershipChange
from workers.models import Employment
from worklist.models import TaskFeedback

pytestmark = pytest.mark.django_db

FEW, MANY = 5, 25


# --- factories by model -----------------------------------------------------------------------


def _factories_by_model() -> dict[type, type[factory.django.DjangoModelFactory]]:
    """`<Model>Factory` of tests/factories.py for each model (PartyMemberFactory, a variant of
    WorkerFactory, does not stand for Worker)."""
    found = {}
    for value in vars(f).values():
        if (
            isinstance(value, type)
            and issubclass(value, factory.django.DjangoModelFactory)
            and value._meta.model is not None
            and value.__name__ == value._meta.model.__name__ + "Factory"
        ):
            found[value._meta.model] = value
    return found


FACTORIES = _factories_by_model()


def factory_for(model: type) -> type[factory.django.DjangoModelFactory]:
    try:
        return FACTORIES[model]
    except KeyError:
        pytest.fail(
            "%s has no factory: add %sFactory to tests/factories.py so that its list's "
            "queries are counted." % (model._meta.label, model.__name__),
            pytrace=False,
        )


def make_rows(model: type, count: int, **overrides) -> list:
    """`count` new rows of `model`, each nullable foreign key its factory leaves out filled."""
    maker = factory_for(model)
    declared = set(maker._meta.declarations)
    for field in model._meta.fields:
        if field.many_to_one and field.null and field.name not in declared | set(overrides):
            overrides[field.name] = factory.SubFactory(factory_for(field.related_model))
    return maker.create_batch(count, **overrides)


# --- counting -----------------------------------------------------------------------------------


def _get(client, url: str) -> tuple[int, list[str], object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), [q["sql"] for q in queries.captured_queries], response


@pytest.fixture(autouse=True)
def _figures_computed_every_time(settings):
    """With Redis the worker figures are cached per day: one visit would read them from the
    cache and the next, after rows were added, compute them. Both visits compute here, so the
    two counts differ only by what the rows cost."""
    settings.FIGURES_CACHE_SECONDS = 0


def _repeated(statements: list[str]) -> str:
    """The statements run more than once, literals blanked, most repeated first."""
    shapes = Counter(re.sub(r"'[^']*'|\b\d+\b", "?", sql) for sql in statements)
    return "\n".join("%3d× %s" % (n, sql[:300]) for sql, n in shapes.most_common(8) if n > 1)


def assert_queries_do_not_grow(
    client,
    user,
    url: str,
    add_rows: Callable[[int], object],
    shown: Callable[[object], int] | None = None,
    *,
    per_row: int = 0,
) -> tuple[int, int]:
    """Open `url` as `user` with FEW rows (after `add_rows(FEW)`) and with MANY; `shown`
    says how many rows a response lists, to prove the rows were there; `per_row` queries a
    row are allowed where nothing can save them. Returns both counts."""
    client.force_login(user)
    add_rows(FEW)
    client.get(url)  # per-process caches (content types, translations) are not the page's
    few, _sql, response = _get(client, url)
    if shown is not None:
        listed_few = shown(response)
    add_rows(MANY - FEW)
    many, sql, response = _get(client, url)
    if shown is not None:
        assert shown(response) - listed_few == MANY - FEW, "the added rows are not listed"
    assert many <= few + (MANY - FEW) * per_row, (
        "%s: %d queries with %d rows, %d with %d; repeated:\n%s"
        % (url, few, FEW, many, MANY, _repeated(sql))
    )
    return few, many


# --- every admin changelist -------------------------------------------------------------------


def _label(model: type) -> str:
    return model._meta.label


REGISTERED = sorted(admin.site._registry, key=_label)
# Union officers use the admin for the models their role may view (core.roles).
UNION_OFFICER_VIEWS = {
    name.split(".")[0] + "." + name.split(".view_")[1]
    for name in ROLE_PERMISSIONS[Role.UNION_OFFICER]
    if ".view_" in name
}
CHANGELISTS = [pytest.param(model, "staff_user", id=_label(model)) for model in REGISTERED] + [
    pytest.param(model, "union_user", id=_label(model) + "-union")
    for model in REGISTERED
    if _label(model).lower() in UNION_OFFICER_VIEWS
]


def _result_count(response) -> int:
    return response.context["cl"].result_count


@pytest.mark.parametrize(("model", "role"), CHANGELISTS)
def test_admin_changelist_queries_do_not_grow_with_rows(client, request, model, role):
    user = request.getfixturevalue(role)
    url = reverse("admin:%s_%s_changelist" % (model._meta.app_label, model._meta.model_name))
    assert_queries_do_not_grow(
        client, user, url, lambda n: make_rows(model, n), shown=_result_count
    )


# Lists that grow with people or with a province's register count their rows once, not the
# whole table a second time for "show all (N)".
COUNTED_ONCE = ["enterprises.Enterprise", "workers.Worker", "workers.Employment"]


@pytest.mark.parametrize("label", COUNTED_ONCE)
def test_big_admin_changelists_count_their_rows_once(client, staff_user, label):
    model = next(m for m in REGISTERED if _label(m) == label)
    make_rows(model, 3)
    client.force_login(staff_user)
    url = reverse("admin:%s_%s_changelist" % (model._meta.app_label, model._meta.model_name))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert _result_count(response) == 3
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1


# The registers staff export from the admin (imports.admin.XlsxExportMixin): the whole list.
EXPORTS = [
    pytest.param(model, id=_label(model))
    for model in REGISTERED
    if isinstance(admin.site._registry[model], XlsxExportMixin)
]


def _rows_in_workbook(response) -> int:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    return sum(1 for _row in sheet.iter_rows())


@pytest.mark.parametrize("model", EXPORTS)
def test_admin_export_queries_do_not_grow_with_rows(client, staff_user, model):
    url = reverse("admin:%s_%s_export_xlsx" % (model._meta.app_label, model._meta.model_name))
    assert_queries_do_not_grow(
        client, staff_user, url, lambda n: make_rows(model, n), shown=_rows_in_workbook
    )


# The tables of related rows inside a change form (inlines) are lists too. Only the portal's own
# inlines: an installed package's admin (django-celery-beat's PeriodicTaskInline fetches each
# task's schedule again) is the package's to change, not ours.
def _ours(inline: type) -> bool:
    return not inline.__module__.startswith("django_celery_beat.")


INLINES = [
    pytest.param(model, inline, id="%s-%s" % (_label(model), inline.__name__))
    for model in REGISTERED
    for inline in admin.site._registry[model].inlines
    if _ours(inline)
]


def _inline_rows(inline: type) -> Callable[[object], int]:
    def shown(response) -> int:
        for formset in response.context["inline_admin_formsets"]:
            if type(formset.opts) is inline:
                return formset.formset.initial_form_count()
        raise AssertionError("%s is not on the page" % inline.__name__)

    return shown


# Django's autocomplete widget looks up the one object it shows with a query of its own, a query
# a row that no queryset can save (django.contrib.admin.widgets.AutocompleteMixin.optgroups):
# those are allowed, nothing else.
@pytest.mark.parametrize(("model", "inline"), INLINES)
def test_admin_inline_queries_do_not_grow_with_rows(client, staff_user, model, inline):
    parent = make_rows(model, 1)[0]
    link = _get_foreign_key(model, inline.model, fk_name=inline.fk_name)
    url = reverse(
        "admin:%s_%s_change" % (model._meta.app_label, model._meta.model_name), args=[parent.pk]
    )
    assert_queries_do_not_grow(
        client,
        staff_user,
        url,
        lambda n: make_rows(inline.model, n, **{link.name: parent}),
        _inline_rows(inline),
        per_row=len(inline.autocomplete_fields),
    )


def test_every_registered_model_has_a_factory():
    missing = sorted(_label(m) for m in REGISTERED if m not in FACTORIES)
    assert not missing, "add a factory to tests/factories.py for: %s" % ", ".join(missing)


# --- the portal's list pages --------------------------------------------------------------------


def _count(marker: str) -> Callable[[object], int]:
    """Rows a response lists, counted by a marker each row carries once."""
    return lambda response: response.content.decode().count(marker)


def _paginated(name: str) -> Callable[[object], int]:
    """Rows behind a paginated list of the page's context (a page shows at most its size)."""
    return lambda response: response.context[name].paginator.count


def _employments_at(enterprise) -> Callable[[int], object]:
    return lambda n: f.EmploymentFactory.create_batch(
        n, enterprise=enterprise, contract_type=ContractType.FIXED_TERM
    )


@pytest.fixture
def hr_enterprise(hr_user):
    enterprise = f.EnterpriseFactory(park=f.IndustrialParkFactory())
    enterprise.hr_users.add(hr_user)
    return enterprise


def test_worker_list_for_hr(client, hr_user, hr_enterprise):
    assert_queries_do_not_grow(
        client, hr_user, reverse("workers:list"), _employments_at(hr_enterprise), _count("<code>")
    )


@pytest.mark.parametrize("role", ["staff_user", "union_user"])
def test_worker_list_across_enterprises(client, request, role):
    # A new enterprise a row: the enterprise filter grows with the rows too.
    assert_queries_do_not_grow(
        client,
        request.getfixturevalue(role),
        reverse("workers:list"),
        lambda n: make_rows(Employment, n),
        # Each row links its worker's page (union officers see no ID column to count by).
        _count('<td><a href="/workers/'),
    )


def test_worker_detail_lists_every_employment(client, staff_user):
    worker = f.WorkerFactory()
    hired = datetime.date(2000, 1, 1)

    def add(n):
        for _ in range(n):
            enterprise = f.EnterpriseFactory(park=f.IndustrialParkFactory())
            f.EmploymentFactory(
                worker=worker, enterprise=enterprise, hire_date=hired, departure_date=hired
            )

    assert_queries_do_not_grow(
        client, staff_user, reverse("workers:detail", args=[worker.pk]), add, _count("<tr><td>")
    )


def test_roster_home_for_staff(client, staff_user):
    assert_queries_do_not_grow(
        client,
        staff_user,
        reverse("workers:roster_home"),
        lambda n: make_rows(Enterprise, n),
        _count("<code>"),
    )


def test_roster_home_for_hr_of_several_enterprises(client, hr_user):
    def add(n):
        for enterprise in make_rows(Enterprise, n):
            enterprise.hr_users.add(hr_user)

    assert_queries_do_not_grow(
        client, hr_user, reverse("workers:roster_home"), add, _count("<code>")
    )


@pytest.mark.parametrize("role", ["hr_user", "staff_user"])
def test_roster_export(client, request, role, hr_enterprise):
    assert_queries_do_not_grow(
        client,
        request.getfixturevalue(role),
        reverse("workers:roster_export", args=[hr_enterprise.pk]),
        _employments_at(hr_enterprise),
        _rows_in_workbook,
    )


@pytest.mark.parametrize("role", ["hr_user", "staff_user"])
def test_roster_enterprise_upload_history(client, request, role, hr_enterprise):
    assert_queries_do_not_grow(
        client,
        request.getfixturevalue(role),
        reverse("workers:roster_enterprise", args=[hr_enterprise.pk]),
        lambda n: make_rows(ImportRecord, n, enterprise=hr_enterprise),
        _paginated("history"),  # 20 a page: the page holds 5, then 20
    )


def _union_register(n: int) -> None:
    """Enterprises of their own villages and parks with two workers each: every other one
    covered by a union, every third one with a wage contract about to expire."""
    today = timezone.localdate()
    for i in range(n):
        enterprise = f.EnterpriseFactory(park=f.IndustrialParkFactory(), is_above_scale=i % 2 == 0)
        f.EmploymentFactory.create_batch(2, enterprise=enterprise, worker__is_union_member=True)
        if i % 2:
            f.UnionCoverageFactory(enterprise=enterprise)
        if i % 3 == 0:
            f.CollectiveWageContractFactory(
                enterprise=enterprise,
                signed_on=today - datetime.timedelta(days=700),
                end_date=today + datetime.timedelta(days=30),
            )


def test_union_dashboard(client, union_user):
    assert_queries_do_not_grow(client, union_user, reverse("unions:dashboard"), _union_register)


@pytest.mark.parametrize("query", ["", "?covered=0", "?below=80", "?format=xlsx"])
def test_union_enterprise_lists(client, union_user, query):
    assert_queries_do_not_grow(
        client, union_user, reverse("unions:enterprises") + query, _union_register
    )


def test_union_membership_changes(client, union_user):
    worker = f.WorkerFactory()
    assert_queries_do_not_grow(
        client,
        union_user,
        reverse("unions:membership", args=[worker.pk]),
        lambda n: make_rows(UnionMembershipChange, n, worker=worker),
        _count("补录入会信息"),
    )


@pytest.mark.parametrize(
    ("query", "shown"),
    [("", _count("<tr data-enterprise=")), ("?format=xlsx", _rows_in_workbook)],
    ids=["page", "xlsx"],
)
def test_fund_compliance_list(client, staff_user, query, shown):
    year = timezone.localdate().year - 1  # the page's default year

    def add(n):
        for i in range(n):
            enterprise = f.EnterpriseFactory(park=f.IndustrialParkFactory())
            if i % 4 == 3:
                continue  # not declared
            f.FundDeclarationFactory(
                enterprise=enterprise,
                year=year,
                extracted=Decimal("70000.00") if i % 2 else Decimal("80000.00"),
            )
            f.FundNoticeReceiptFactory(notice__enterprise=enterprise, notice__year=year)
            f.LabourInspectionFactory(enterprise=enterprise)

    assert_queries_do_not_grow(
        client, staff_user, reverse("training:compliance") + query, add, shown
    )


@pytest.mark.parametrize("role", ["hr_user", "staff_user"])
def test_fund_enterprise_page(client, request, role, hr_enterprise):
    years = iter(range(2000, 2100))

    def add(n):
        for _ in range(n):
            year = next(years)
            f.FundRuleFactory(year=year)
            declaration = f.FundDeclarationFactory(enterprise=hr_enterprise, year=year, version=2)
            f.FundDeclarationVersionFactory(declaration=declaration, version=1)
            f.FundDeclarationVersionFactory(declaration=declaration, version=2)
            f.FundNoticeFactory(enterprise=hr_enterprise, year=year)
            f.ImportRecordFactory(
                kind=TRAINING_FUNDS, enterprise=hr_enterprise, original_name="经费%d.xlsx" % year
            )

    assert_queries_do_not_grow(
        client,
        request.getfixturevalue(role),
        reverse("training:enterprise", args=[hr_enterprise.pk]),
        add,
        _count("<tr data-year="),
    )


def test_funds_home_for_hr_of_several_enterprises(client, hr_user):
    def add(n):
        for enterprise in f.EnterpriseFactory.create_batch(n):
            enterprise.hr_users.add(hr_user)

    assert_queries_do_not_grow(
        client, hr_user, reverse("training:home"), add, _count("list-group-item-action")
    )


def test_fund_notice_receipts(client, hr_user, hr_enterprise):
    notice = f.FundNoticeFactory(enterprise=hr_enterprise)
    assert_queries_do_not_grow(
        client,
        hr_user,
        reverse("training:notice", args=[notice.pk]),
        lambda n: f.FundNoticeReceiptFactory.create_batch(n, notice=notice),
        _count("（20"),  # each reader's read time
    )


def _tasks(n: int) -> None:
    for task in f.ReformTaskFactory.create_batch(n):
        f.MilestoneFactory.create_batch(2, task=task)
        f.TaskFeedbackFactory(task=task)


@pytest.mark.parametrize("role", ["staff_user", "official_user"])
def test_work_list(client, request, role):
    assert_queries_do_not_grow(
        client,
        request.getfixturevalue(role),
        reverse("worklist:list"),
        _tasks,
        _count("data-task="),
    )


def test_task_detail_lists_feedback_and_attachments(client, staff_user):
    task = f.ReformTaskFactory()

    def add(n):
        for feedback in make_rows(TaskFeedback, n, task=task):
            f.FeedbackAttachmentFactory(feedback=feedback)

    assert_queries_do_not_grow(
        client, staff_user, reverse("worklist:detail", args=[task.pk]), add, _count("进展材料.txt")
    )


def test_task_detail_with_many_owner_units(client, staff_user):
    task = f.ReformTaskFactory(owner_units=[])

    def add(n):
        task.owner_units.add(*f.OwnerUnitFactory.create_batch(n))

    assert_queries_do_not_grow(client, staff_user, reverse("worklist:detail", args=[task.pk]), add)


@pytest.mark.parametrize("role", ["official_user", "staff_user"])
def test_reports_page(client, request, role):
    assert_queries_do_not_grow(
        client,
        request.getfixturevalue(role),
        reverse("reports:figures"),
        lambda n: make_rows(ReportRun, n),
        _paginated("runs"),  # 20 a page
    )


def test_certificates_home_for_staff(client, staff_user):
    assert_queries_do_not_grow(
        client,
        staff_user,
        reverse("workers:certificates_home"),
        lambda n: make_rows(Enterprise, n),
        _count("<code>"),
    )


@pytest.mark.parametrize("role", ["hr_user", "staff_user"])
def test_certificates_of_an_enterprises_current_workers(client, request, role, hr_enterprise):
    def add(n):
        for employment in _employments_at(hr_enterprise)(n):
            f.SkillCertificateFactory(worker=employment.worker, enterprise=hr_enterprise)
        make_rows(ImportRecord, n, enterprise=hr_enterprise, kind="certificates")

    assert_queries_do_not_grow(
        client,
        request.getfixturevalue(role),
        reverse("workers:certificates_enterprise", args=[hr_enterprise.pk]),
        add,
        _paginated("certificates"),  # 50 a page
    )
