import re

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_admin_speaks_chinese_even_to_an_english_browser(client):
    response = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert "剡湖街道产业工人队伍建设改革管理平台" in body
    assert "用户名" in body and "Username" not in body


@pytest.mark.django_db
def test_english_when_the_user_chooses_it(client):
    client.cookies["django_language"] = "en"
    body = client.get(reverse("admin:login")).content.decode()
    assert "Username" in body


def test_anonymous_home_goes_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("fixture", "target"),
    [
        ("staff_user", "/admin/"),
        ("hr_user", "/workers/roster/"),
        ("union_user", "/unions/"),
        ("official_user", "/reports/"),
    ],
)
def test_each_role_lands_where_its_work_is(client, request, fixture, target):
    """The home page (issue 16) links each role to where its work is."""
    client.force_login(request.getfixturevalue(fixture))
    response = client.get("/")
    assert response.status_code == 200 and 'href="%s"' % target in response.content.decode()


def test_user_without_role_is_told_so(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 403
    assert "没有分配角色" in response.content.decode()


def test_healthz_answers_for_any_host(client, settings, db):
    settings.ALLOWED_HOSTS = ["portal.example"]
    response = client.get("/healthz", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200 and response.content == b"ok"


def test_official_sees_figures_but_hr_does_not(client, official_user, hr_user):
    client.force_login(official_user)
    response = client.get(reverse("reports:figures"), {"quarter": "2026Q3"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "在职职工数" in body and 'data-key="workers_total"' in body
    client.force_login(hr_user)
    assert client.get(reverse("reports:figures")).status_code == 403


def test_bootstrap_is_served_by_the_portal(client, db):
    from django.contrib.staticfiles import finders

    assert finders.find("bootstrap/css/bootstrap.min.css")
    body = client.get(reverse("login")).content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in body
    # No asset from another host (a random CSRF token may well contain the letters "cdn").
    external = re.findall(r'(?:src|href)="(?:https?:)?//[^"]*"', body)
    assert not external and "https://" not in body
