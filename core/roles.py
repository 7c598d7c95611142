"""The roles of DOMAIN.md and the work list's reporters as Django groups, and what each may do.

Permissions say which kinds of record a role may touch; selectors (e.g.
`workers.selectors.workers_visible_to`) say which rows. Both are needed.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

# Besides the project's own apps, the apps whose every permission staff hold: the schedules.
STAFF_EXTRA_APPS = ("django_celery_beat",)


def staff_apps() -> list[str]:
    """Apps whose every permission sub-district staff hold ("everything", DOMAIN.md): every app
    of this project (found by where its code lives, so a new app needs no edit here) and
    STAFF_EXTRA_APPS."""
    root = Path(settings.BASE_DIR).resolve()
    own = [
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(root)
        and "site-packages" not in Path(config.path).parts
    ]
    return [*own, *STAFF_EXTRA_APPS]


class Role(models.TextChoices):
    """Group names are the Chinese role names users see in the admin."""

    STAFF = "街道工作人员", _("街道工作人员")
    HR = "企业人事", _("企业人事")
    UNION_OFFICER = "工会干部", _("工会干部")
    OFFICIAL = "领导", _("领导/市产改办")
    # A member of a 线办 or 中心 who only reports progress on its tasks of the work list.
    WORKLIST = "工作清单填报人", _("工作清单填报人（线办/中心）")


# Explicit "app_label.codename" grants; staff get staff_apps() wholesale plus these.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.STAFF: (
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        # Login locks (django-axes): staff see them and lift one by deleting its row.
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
    ),
    # Own enterprise only; rows are narrowed by the selectors.
    Role.HR: (
        "enterprises.view_enterprise",
        "workers.view_worker",
        "workers.add_worker",
        "workers.change_worker",
        "workers.view_employment",
        "workers.add_employment",
        "workers.change_employment",
        # HR enter their enterprise's democratic-management records; staff confirm them, and
        # HR change or withdraw only unconfirmed ones (compliance.services, issue 15).
        "compliance.view_workerscongresssession",
        "compliance.add_workerscongresssession",
        "compliance.change_workerscongresssession",
        "compliance.delete_workerscongresssession",
        "compliance.view_factoryaffairsdisclosure",
        "compliance.add_factoryaffairsdisclosure",
        "compliance.change_factoryaffairsdisclosure",
        "compliance.delete_factoryaffairsdisclosure",
        "compliance.view_collectivewagecontract",
        "compliance.add_collectivewagecontract",
        "compliance.change_collectivewagecontract",
        "compliance.delete_collectivewagecontract",
    ),
    # Union and membership data for all enterprises; read-only on workers.
    Role.UNION_OFFICER: (
        "enterprises.view_village",
        "enterprises.view_industrialpark",
        "enterprises.view_enterprise",
        "workers.view_worker",
        "workers.view_employment",
        # Union officers keep the union organisations and their coverage (issue 4).
        "unions.view_unionorganisation",
        "unions.add_unionorganisation",
        "unions.change_unionorganisation",
        "unions.delete_unionorganisation",
        "unions.view_unioncoverage",
        "unions.add_unioncoverage",
        "unions.change_unioncoverage",
        "unions.delete_unioncoverage",
        # Union officers review party-member coverage, read-only (issue 4).
        "party.view_partybranch",
        "party.view_partybranchmember",
        "party.view_partyactivity",
        "party.view_workerrepresentative",
        # Democratic-management records: 职代会, 厂务公开, 工资集体协商 (issue 4).
        "compliance.view_workerscongresssession",
        "compliance.view_factoryaffairsdisclosure",
        "compliance.view_collectivewagecontract",
        # The plan asks the union to supervise labour-law enforcement: read-only (issue 15).
        "compliance.view_labourinspection",
        # Honours are public: union officers read the honour register (issue 14).
        "honors.view_honour",
    ),
    # Reports and aggregate figures only: no model of personal data.
    Role.OFFICIAL: (),
    # The work list and its progress feedback only (worklist.selectors.may_post_feedback says
    # on which tasks); no worker, enterprise or union data.
    Role.WORKLIST: (
        "worklist.view_reformtask",
        "worklist.view_milestone",
        "worklist.view_taskfeedback",
        "worklist.add_taskfeedback",
    ),
}


def _permissions_for(role: str) -> list[Permission]:
    explicit = ROLE_PERMISSIONS[role]
    query = models.Q(pk__in=[])
    for name in explicit:
        app_label, codename = name.split(".", 1)
        query |= models.Q(content_type__app_label=app_label, codename=codename)
    if role == Role.STAFF:
        query |= models.Q(content_type__app_label__in=staff_apps())
    permissions = list(Permission.objects.filter(query))
    found = {"%s.%s" % (p.content_type.app_label, p.codename) for p in permissions}
    missing = set(explicit) - found
    if missing:
        raise LookupError("unknown permissions for role %s: %s" % (role, sorted(missing)))
    return permissions


@transaction.atomic
def roles_setup() -> dict[str, int]:
    """Create or update the role groups so each holds exactly its permissions. Idempotent."""
    result = {}
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        permissions = _permissions_for(role)
        group.permissions.set(permissions)
        result[role.value] = len(permissions)
    return result


def user_roles(user: AbstractBaseUser | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
        setattr(user, "_role_cache", cached)  # noqa: B010 - a per-request cache on the instance
    return cached


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_sub_district_staff(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Superusers and 街道工作人员 see all data (DOMAIN.md)."""
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.STAFF)


def sees_personal_data(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Full ID numbers and phones: staff, and HR for the workers their selector gives them."""
    return is_sub_district_staff(user) or has_role(user, Role.HR)


def acts_for_enterprises(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Staff and HR act for enterprises (upload, declare); which ones is each data set's
    selector's business (enterprises.selectors.enterprises_acted_for)."""
    return is_sub_district_staff(user) or has_role(user, Role.HR)
