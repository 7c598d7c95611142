"""Every page a role reaches reads in Chinese (issue 16 "Every string a user reads is Chinese").

Each role logs in and walks what it can reach without typing a URL: its home page and every
same-site link found on the pages it sees (GET only; no sign-out, downloads or exports), and
for staff every admin changelist and add form. The visible text of each page (tags, scripts,
styles and form values left out) must hold no run of two or more Latin words: such a run is a
string nobody translated (Django's, a third-party app's, or ours). Data values that are Latin by
nature are in ALLOWED, each with its reason.
"""

import html
import re
import time
from collections import deque
from urllib.parse import urldefrag, urlsplit

import factory
import pytest
from django.contrib import admin
from django.db import transaction
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

LATIN_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ \-][A-Za-z]{2,})+\b")

# Latin text that is data or a name, not an untranslated string. Keep it short and say why.
ALLOWED: set[str] = set()

PAGES_PER_ROLE = 400
# Links that leave the page's reading (sign-out, files) or only repeat a list in another order.
SKIPPED = re.compile(
    r"logout|/download|/export|xlsx|docx|\.pdf|/media/|jsi18n|/template|/original"
    r"|/i18n/|/delete/|/history/|/healthz"
)
# Elements whose text is not read as the page's language: code, form values, and elements a
# template marks as holding a data value (data-value).
SILENT = re.compile(
    r"<(script|style|noscript|template|textarea|code|pre)\b.*?</\1\s*>"
    r"|<(\w+)[^>]*\bdata-value\b[^>]*>.*?</\2\s*>",
    re.S | re.I,
)
# An option that reads as the value it stores is data (a time zone, a login name).
DATA_OPTION = re.compile(r"<option\b[^>]*\bvalue=\"([^\"]*)\"[^>]*>\s*\1\s*</option>", re.I)
TAG = re.compile(r"<[^>]*>")
HREF = re.compile(r"<a\b[^>]*\bhref=\"([^\"]+)\"", re.I)


def _visible_text(page: str) -> str:
    """The text a reader sees: no tags, scripts, styles, or form values."""
    page = DATA_OPTION.sub(" ", SILENT.sub(" ", page))
    return html.unescape(TAG.sub("\n", page))


def _links(page: str) -> list[str]:
    return [html.unescape(href) for href in HREF.findall(page)]


def _english(text: str) -> list[str]:
    return [run for run in LATIN_RUN.findall(text) if run not in ALLOWED]


def _followable(href: str, here: str) -> str | None:
    href, _fragment = urldefrag(href)
    if not href or href.startswith(("//", "mailto:", "tel:", "javascript:", "http")):
        return None
    if not href.startswith("/"):
        if href.startswith("?"):
            return None
        base = here.rsplit("/", 1)[0] + "/"
        href = base + href
    if SKIPPED.search(href):
        return None
    parts = urlsplit(href)
    if parts.path.startswith("/admin/") and parts.query:
        # Sorting, filtering and paging of a changelist: the same strings in another order.
        return None
    return href


def _shape(url: str) -> str:
    """Pages that differ only in ids are one kind of page: a few of each are enough."""
    parts = urlsplit(url)
    keys = sorted(key.split("=")[0] for key in parts.query.split("&") if key)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


PER_SHAPE = 2


def _walk(client, starts):
    """{url: [Latin runs]} for every page reached from `starts`, and the pages that failed."""
    seen = set(starts)
    shapes: dict[str, int] = {}
    queue = deque(starts)
    found: dict[str, list[str]] = {}
    broken: list[str] = []
    visited = 0
    while queue and visited < PAGES_PER_ROLE:
        url = queue.popleft()
        response = client.get(url, follow=True)
        visited += 1
        if response.status_code >= 500:
            broken.append("%s → %s" % (url, response.status_code))
            continue
        if response.status_code != 200:
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        runs = _english(_visible_text(page))
        if runs:
            found[url] = sorted(set(runs))
        here = response.request["PATH_INFO"]  # after any redirect
        for href in _links(page):
            target = _followable(href, here)
            if target is None or target in seen:
                continue
            seen.add(target)
            shape = _shape(target)
            shapes[shape] = shapes.get(shape, 0) + 1
            if shapes[shape] <= PER_SHAPE:
                queue.append(target)
    return found, broken, visited


def _admin_pages(client):
    pages = []
    for model in admin.site._registry:
        opts = model._meta
        pages.append(reverse("admin:%s_%s_changelist" % (opts.app_label, opts.model_name)))
        pages.append(reverse("admin:%s_%s_add" % (opts.app_label, opts.model_name)))
    return pages


@pytest.fixture
def every_kind_of_row(hr_user, worklist_user):
    """One row of every model (each factory), so no list is empty; HR's enterprise has
    workers and uploads, the work-list reporter's unit owns a task."""
    makers = sorted(
        (
            value
            for value in vars(factories).values()
            if isinstance(value, type)
            and issubclass(value, factory.django.DjangoModelFactory)
            and value._meta.model is not None
        ),
        key=lambda value: value.__name__,
    )
    for maker in makers:
        with transaction.atomic():
            maker()
    enterprise = factories.EnterpriseFactory()
    enterprise.hr_users.add(hr_user)
    factories.EmploymentFactory(enterprise=enterprise)
    factories.ImportRecordFactory(enterprise=enterprise, uploaded_by=hr_user)
    unit = factories.OwnerUnitFactory()
    unit.members.add(worklist_user)


ROLES = ["staff_user", "hr_user", "union_user", "official_user", "worklist_user"]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_reads_in_chinese(role, request, client, every_kind_of_row):
    user = request.getfixturevalue(role)
    client.force_login(user)
    starts = ["/"]
    if user.is_staff:
        starts += ["/admin/", *_admin_pages(client)]
    began = time.monotonic()
    found, broken, visited = _walk(client, starts)
    assert visited > 1
    assert not broken, "pages that failed: %s" % "; ".join(broken)
    report = "\n".join("%s: %s" % (url, " | ".join(runs)) for url, runs in sorted(found.items()))
    assert not found, "%s sees English on %d of %d pages (%.0f s):\n%s" % (
        role,
        len(found),
        visited,
        time.monotonic() - began,
        report,
    )
