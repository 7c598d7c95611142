"""Staff walk through the admin and the portal's pages in chromium under the portal's
Content-Security-Policy (settings, so every browser test runs with it): the browser reports no
violation anywhere — no inline script, style or event handler was left in a template."""

import io
import re
from unittest import mock

import pytest
from django.core.management import call_command
from playwright.sync_api import ConsoleMessage, Page, expect

from demo.management.commands.seed_demo import DEMO_PASSWORD
from enterprises.models import Enterprise
from reports.services import report_build, report_request
from workers.models import Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_page_violates_the_content_security_policy(page: Page, live_server):
    call_command("seed_demo", stdout=io.StringIO())
    with mock.patch("reports.services.report_send"):
        for period in ("2026Q1", "2026Q2"):
            report_build(run_id=report_request(kind="quarterly", period=period).pk)
    enterprise = Enterprise.objects.order_by("pk").first()
    worker = Worker.objects.order_by("pk").first()
    assert enterprise is not None and worker is not None

    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append("%s: %s" % (page.url, message.text))

    page.on("console", on_console)
    page.on("pageerror", lambda error: violations.append("%s: %s" % (page.url, error)))
    # A violation is also a DOM event; collect it even where chromium logs nothing.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(live_server.url + "/")  # the home page (issue 16)

    pages = [
        ("/", "#home"),
        ("/admin/", "#site-name"),
        ("/admin/workers/worker/", "#result_list"),
        ("/admin/workers/worker/%d/change/" % worker.pk, "form"),
        ("/admin/enterprises/enterprise/%d/upload/roster/" % enterprise.pk, "form"),
        ("/admin/django_celery_beat/periodictask/add/", "#id_crontab"),
        ("/workers/roster/%d/" % enterprise.pk, "#roster-upload-form"),
        ("/unions/", "svg.coverage-chart"),
        ("/reports/", "svg.trend-chart"),
    ]
    for path, selector in pages:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        expect(page.locator(selector).first).to_be_visible()
        page.wait_for_load_state("load")

    # The admin's own scripts ran: the changelist's action checkboxes are wired up.
    page.goto(live_server.url + "/admin/workers/worker/")
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text(re.compile(r"\d"))
    # The periodic task form's replacement script ran: it hid the translation row.
    page.goto(live_server.url + "/admin/django_celery_beat/periodictask/add/")
    expect(page.locator(".field-crontab_translation")).to_be_hidden()

    assert violations == []
