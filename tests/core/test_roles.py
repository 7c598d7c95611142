import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from core.roles import Role, roles_setup


@pytest.mark.django_db
def test_setup_roles_is_idempotent_and_gives_each_role_its_permissions():
    call_command("setup_roles", stdout=io.StringIO())
    first = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    call_command("setup_roles", stdout=io.StringIO())
    second = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }

    assert first == second
    assert set(first) == {r.value for r in Role}
    assert {"add_worker", "change_enterprise", "delete_employment"} <= first[Role.STAFF]
    assert first[Role.UNION_OFFICER] >= {"view_worker", "view_enterprise"}
    assert not {"change_worker", "add_worker", "delete_worker"} & first[Role.UNION_OFFICER]
    assert "delete_worker" not in first[Role.HR]
    assert first[Role.OFFICIAL] == set()


@pytest.mark.django_db
def test_setup_roles_removes_a_permission_granted_by_hand():
    roles_setup()
    group = Group.objects.get(name=Role.UNION_OFFICER)
    from django.contrib.auth.models import Permission

    group.permissions.add(Permission.objects.get(codename="delete_worker"))
    roles_setup()
    assert not group.permissions.filter(codename="delete_worker").exists()


@pytest.mark.django_db
def test_seed_demo_twice_duplicates_nothing():
    from enterprises.models import Enterprise
    from unions.models import UnionCoverage, UnionOrganisation
    from workers.models import Employment, Worker

    def counted():
        return (
            Enterprise.objects.count(),
            Worker.objects.count(),
            Employment.objects.count(),
            UnionOrganisation.objects.count(),
            UnionCoverage.objects.count(),
        )

    call_command("seed_demo", stdout=io.StringIO())
    counts = counted()
    call_command("seed_demo", stdout=io.StringIO())

    assert counts == counted()
    assert counts[3] >= 2 and counts[4] >= counts[3], "demo unions cover some enterprises"
    assert counts[0] >= 5 and 200 <= counts[1] <= 400
    for username, role in [
        ("staff", Role.STAFF),
        ("hr", Role.HR),
        ("union", Role.UNION_OFFICER),
        ("official", Role.OFFICIAL),
    ]:
        assert Group.objects.get(name=role).user_set.filter(username=username).exists()
