"""Each role's home page (issue 16): what it can do, what is waiting, and the way back from
the admin."""

import pytest
from django.template import Context, Template

from core.accounts import person_name
from tests.factories import UserFactory


@pytest.mark.django_db
def test_person_name_is_family_name_first_without_a_space():
    user = UserFactory(username="zhangsan", first_name="三", last_name="张")
    assert person_name(user) == "张三"
    assert Template("{% load people %}{{ u|person_name }}").render(Context({"u": user})) == "张三"


@pytest.mark.django_db
def test_person_name_falls_back_to_the_login_name():
    assert person_name(UserFactory(username="hr2", first_name="", last_name="")) == "hr2"
