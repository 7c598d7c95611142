"""Accounts (issue 12): login throttling, session timeouts, who may grant what in the user
admin, and password rules in Chinese."""

import datetime
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from core.accounts import client_ip
from core.middleware import SESSION_SEEN_AT, SESSION_SIGNED_IN_AT
from core.roles import Role
from tests.admin_forms import admin_form_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def _login(client, username, password, *, ip="10.0.0.1", url=LOGIN, **extra):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _assert_locked(response):
    assert response.status_code == 429
    body = response.content.decode()
    assert "登录已暂时锁定" in body and "请在 15 分钟后再试" in body
    assert "街道工作人员" in body
    assert 'class="navbar' in body  # the site's layout, not a bare message


# Login throttling ----------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(client, staff_user):
    for _ in range(4):
        assert _login(client, "staff", "wrong").status_code == 200
    _assert_locked(_login(client, "staff", "wrong"))

    _assert_locked(_login(client, "staff", PASSWORD))
    assert not _signed_in(client)


def test_one_account_guessed_from_many_addresses_is_locked(client, staff_user):
    for n in range(5):
        _login(client, "staff", "wrong", ip="10.0.1.%d" % n)

    _assert_locked(_login(client, "staff", PASSWORD, ip="10.0.9.9"))
    # Only that account: another one logs in from a fresh address.
    other = UserFactory(username="other")
    assert _login(client, other.username, PASSWORD, ip="10.0.9.8").status_code == 302


def test_one_address_guessing_many_accounts_is_locked(client, staff_user):
    for n in range(5):
        _login(client, "guess%d" % n, "wrong", ip="10.0.2.1")

    _assert_locked(_login(client, "staff", PASSWORD, ip="10.0.2.1"))
    assert _login(client, "staff", PASSWORD, ip="10.0.2.2").status_code == 302


def test_a_forged_forwarded_for_is_not_trusted_without_a_proxy(client, staff_user):
    victim, attacker = "10.0.3.1", "10.0.3.66"
    for n in range(5):
        # The attacker claims the victim's address, a new one each time after that.
        forged = victim if n == 0 else "10.0.4.%d" % n
        _login(client, "guess%d" % n, "wrong", ip=attacker, HTTP_X_FORWARDED_FOR=forged)

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {attacker}
    # Forging yet another address does not dodge the lock...
    _assert_locked(_login(client, "staff", PASSWORD, ip=attacker, HTTP_X_FORWARDED_FOR="10.0.5.5"))
    # ...and the victim whose address was claimed is not locked out.
    assert _login(client, "staff", PASSWORD, ip=victim).status_code == 302


def test_client_address_behind_trusted_proxies(settings):
    factory = RequestFactory()

    def ip(remote, forwarded=None):
        extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
        return client_ip(factory.post(LOGIN, REMOTE_ADDR=remote, **extra))

    settings.AXES_IPWARE_PROXY_COUNT = 0
    assert ip("10.9.0.1", "203.0.113.7") == "10.9.0.1"
    settings.AXES_IPWARE_PROXY_COUNT = 1
    # nginx appends the peer it saw; what the client wrote stands to its left.
    assert ip("10.9.0.1", "6.6.6.6, 203.0.113.7") == "203.0.113.7"
    assert ip("10.9.0.1", "203.0.113.7") == "203.0.113.7"
    assert ip("10.9.0.1") == "10.9.0.1"  # not through the proxy
    assert ip("10.9.0.1", "not-an-address") == "10.9.0.1"
    settings.AXES_IPWARE_PROXY_COUNT = 2
    assert ip("10.9.0.2", "6.6.6.6, 203.0.113.7, 10.9.0.1") == "203.0.113.7"
    assert ip("10.9.0.2", "203.0.113.7") == "10.9.0.2"


def test_the_admin_login_is_throttled_too(client, staff_user):
    for _ in range(5):
        _login(client, "staff", "wrong", url=ADMIN_LOGIN)

    _assert_locked(_login(client, "staff", PASSWORD, url=ADMIN_LOGIN))
    _assert_locked(_login(client, "staff", PASSWORD))  # the same lock on the site's login
    assert not _signed_in(client)


def test_the_lock_ends_after_the_cool_off(client, staff_user):
    for _ in range(5):
        _login(client, "staff", "wrong")
    _assert_locked(_login(client, "staff", PASSWORD))

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))

    assert _login(client, "staff", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_staff_see_locks_in_chinese_and_lift_one(client, staff_user):
    UserFactory(username="clerk")
    for _ in range(5):
        _login(client, "clerk", "wrong", ip="10.0.6.1")
    _assert_locked(_login(client, "clerk", PASSWORD, ip="10.0.6.1"))
    attempt = AccessAttempt.objects.get()

    client.force_login(staff_user)
    page = client.get("/admin/axes/accessattempt/").content.decode()
    assert "登录保护" in page and "登录失败计数" in page and "已锁定" in page
    assert "Access attempts" not in page and "Locked Out" not in page
    client.post("/admin/axes/accessattempt/%s/delete/" % attempt.pk, {"post": "yes"})
    client.logout()

    assert not AccessAttempt.objects.exists()
    assert _login(client, "clerk", PASSWORD, ip="10.0.6.1").status_code == 302


# Session timeouts ------------------------------------------------------------------------------


def _set_clock(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_an_idle_session_is_signed_out_with_a_chinese_message(client, official_user):
    client.force_login(official_user)
    assert client.get("/reports/").status_code == 200
    _set_clock(client, _seen_at=31 * 60)

    response = client.get("/reports/", follow=True)

    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "长时间未操作，已自动退出，请重新登录。" in response.content.decode()
    assert not _signed_in(client)


def test_a_session_ends_after_the_absolute_limit_however_active(client, official_user):
    client.force_login(official_user)
    _set_clock(client, _signed_in_at=8 * 3600 + 1, _seen_at=10)

    response = client.get("/reports/", follow=True)

    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "已自动退出，请重新登录" in response.content.decode()
    assert not _signed_in(client)


def test_activity_is_written_at_most_once_a_minute(client, official_user):
    client.force_login(official_user)
    assert {SESSION_SIGNED_IN_AT, SESSION_SEEN_AT} <= set(client.session.keys())
    _set_clock(client, _seen_at=30)
    before = client.session[SESSION_SEEN_AT]
    assert client.get("/reports/").status_code == 200
    assert client.session[SESSION_SEEN_AT] == before

    _set_clock(client, _seen_at=29 * 60)
    assert client.get("/reports/").status_code == 200  # still within the idle limit
    assert client.session[SESSION_SEEN_AT] >= int(time.time()) - 5


def test_a_new_login_restarts_the_clocks(client, staff_user):
    assert _login(client, "staff", PASSWORD).status_code == 302
    assert int(time.time()) - client.session[SESSION_SIGNED_IN_AT] < 5


# Who grants what in the user admin ------------------------------------------------------------


def _change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def _forged_post(client, target, **changes):
    page = client.get(_change_url(target))
    assert page.status_code == 200
    data = admin_form_data(page, **{k: v for k, v in changes.items() if k in _form(page)})
    # The admin splits date_joined into a date and a time input.
    joined = timezone.localtime(target.date_joined)
    data.pop("date_joined", None)
    data["date_joined_0"] = joined.date().isoformat()
    data["date_joined_1"] = joined.time().replace(microsecond=0).isoformat()
    for key, value in changes.items():  # what a forged request adds beyond the form
        data[key] = value
    return client.post(_change_url(target), data)


def _form(page):
    return page.context["adminform"].form.fields


def _roles(user):
    return set(user.groups.values_list("name", flat=True))


@pytest.fixture
def secret_group(db):
    group = Group.objects.create(name="系统管理员")
    group.permissions.add(Permission.objects.get(codename="change_group"))
    return group


def test_staff_hold_no_group_or_permission_rights(staff_user):
    assert not any(
        staff_user.has_perm("auth.%s" % codename)
        for codename in (
            "add_group",
            "change_group",
            "delete_group",
            "add_permission",
            "change_permission",
            "delete_permission",
            "view_permission",
        )
    )
    assert staff_user.has_perm("auth.change_user")


def test_staff_give_roles_but_no_superuser_nor_permissions(
    client, staff_user, hr_user, secret_group
):
    client.force_login(staff_user)
    page = client.get(_change_url(hr_user))
    assert set(_form(page)) & {"is_superuser", "user_permissions"} == set()
    offered = {str(choice[1]) for choice in _form(page)["groups"].choices}
    assert offered == {role.value for role in Role}

    response = _forged_post(
        client,
        hr_user,
        groups=[str(Group.objects.get(name=Role.UNION_OFFICER).pk)],
        is_superuser="on",
        user_permissions=[str(Permission.objects.get(codename="delete_worker").pk)],
    )

    assert response.status_code == 302
    hr_user.refresh_from_db()
    assert not hr_user.is_superuser and not hr_user.user_permissions.exists()
    assert _roles(hr_user) == {Role.UNION_OFFICER}


def test_staff_cannot_give_a_group_outside_the_roles(client, staff_user, hr_user, secret_group):
    client.force_login(staff_user)

    response = _forged_post(client, hr_user, groups=[str(secret_group.pk)])

    assert response.status_code == 200 and response.context["adminform"].form.errors
    hr_user.refresh_from_db()
    assert _roles(hr_user) == {Role.HR}


def test_staff_keep_a_group_they_cannot_give(client, staff_user, hr_user, secret_group):
    hr_user.groups.add(secret_group)
    client.force_login(staff_user)

    _forged_post(client, hr_user, groups=[str(Group.objects.get(name=Role.OFFICIAL).pk)])

    assert _roles(hr_user) == {Role.OFFICIAL, secret_group.name}


def test_staff_cannot_raise_their_own_account(client, staff_user, secret_group):
    client.force_login(staff_user)
    page = client.get(_change_url(staff_user))
    assert set(_form(page)) & {"is_superuser", "is_staff", "groups", "user_permissions"} == set()

    response = _forged_post(
        client,
        staff_user,
        first_name="改名",
        groups=[str(secret_group.pk), str(Group.objects.get(name=Role.HR).pk)],
        is_superuser="on",
        user_permissions=[str(Permission.objects.get(codename="change_group").pk)],
    )

    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.first_name == "改名"  # the rest of the account is theirs to keep
    assert not staff_user.is_superuser and staff_user.is_staff
    assert _roles(staff_user) == {Role.STAFF}
    assert not staff_user.user_permissions.exists()


def test_staff_cannot_change_a_superuser(client, staff_user):
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    client.force_login(staff_user)

    assert client.get(_change_url(boss)).status_code == 200  # view only
    response = client.post(_change_url(boss), {"username": "boss", "is_superuser": ""})
    assert response.status_code == 403
    password_url = reverse("admin:auth_user_password_change", args=[boss.pk])
    assert client.get(password_url).status_code == 403
    boss.refresh_from_db()
    assert boss.is_superuser and boss.username == "boss"


def test_a_superuser_grants_all(client, hr_user, secret_group):
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    client.force_login(boss)
    permission = Permission.objects.get(codename="delete_worker")

    response = _forged_post(
        client,
        hr_user,
        groups=[str(secret_group.pk)],
        is_superuser="on",
        user_permissions=[str(permission.pk)],
    )

    assert response.status_code == 302
    hr_user.refresh_from_db()
    assert hr_user.is_superuser and _roles(hr_user) == {secret_group.name}
    assert list(hr_user.user_permissions.all()) == [permission]


# Password rules in Chinese ---------------------------------------------------------------------


def test_a_weak_password_is_refused_in_chinese_in_the_admin(client, staff_user):
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:auth_user_add"),
        {"username": "newclerk", "usable_password": "true", "password1": "12345678"}
        | {"password2": "12345678"},
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "密码" in body and "这个密码太常见了" in body
    assert "This password" not in body
    assert not UserFactory._meta.model.objects.filter(username="newclerk").exists()


def test_a_weak_password_is_refused_in_chinese_on_the_password_change(client, staff_user):
    client.force_login(staff_user)
    url = reverse("admin:auth_user_password_change", args=[staff_user.pk])

    response = client.post(url, {"password1": "12345678", "password2": "12345678"})

    body = response.content.decode()
    assert response.status_code == 200 and "这个密码太常见了" in body
    assert "This password" not in body
