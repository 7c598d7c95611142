import pytest
from django.contrib.auth.models import Group

from core.roles import Role, roles_setup
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    """Imports keep the uploaded file: tests keep it out of the project's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def roles(db):
    roles_setup()


def _user_with_role(username: str, role: str, *, is_staff: bool):
    user = UserFactory(username=username, is_staff=is_staff)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def staff_user(roles):
    return _user_with_role("staff", Role.STAFF, is_staff=True)


@pytest.fixture
def hr_user(roles):
    return _user_with_role("hr", Role.HR, is_staff=False)


@pytest.fixture
def union_user(roles):
    return _user_with_role("union", Role.UNION_OFFICER, is_staff=True)


@pytest.fixture
def official_user(roles):
    return _user_with_role("official", Role.OFFICIAL, is_staff=False)
