"""400/403/404/500 and a refused CSRF token answer in the site's layout and in Chinese, with a
way back to the home page (issue 16), never Django's English pages."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _assert_site_page(response, status, title):
    body = response.content.decode()
    assert response.status_code == status
    assert title in body and 'id="error-page"' in body
    assert reverse("home") in body and "返回首页" in body
    assert "Forbidden" not in body and "Not Found" not in body and "Server Error" not in body


def test_a_page_that_does_not_exist(client, hr_user):
    client.force_login(hr_user)
    _assert_site_page(client.get("/no-such-page/"), 404, "页面不存在")


def test_another_enterprises_page_is_the_same_not_found_page(client, hr_user):
    client.force_login(hr_user)
    other = EnterpriseFactory()
    response = client.get(reverse("compliance:enterprise", args=[other.pk]))
    _assert_site_page(response, 404, "页面不存在")


def test_a_page_the_role_may_not_open(client, official_user):
    client.force_login(official_user)
    _assert_site_page(client.get(reverse("party:organisation")), 403, "没有权限")


def test_a_refused_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    _assert_site_page(response, 403, "页面已过期")


def test_a_server_error_page():
    response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in body and "没有保存" in body and 'href="/"' in body
