"""The 通知公告 pages and admin (issue 16): HR find what is addressed to them, opening it is the
read receipt, staff write and publish in the admin and see who has read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditLog
from notices.models import Notice, NoticeAttachment, NoticeReceipt
from tests import factories as f
from tests.test_query_counts import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice_a(enterprise_a):
    notice = f.NoticeFactory(
        title="关于报送花名册的通知",
        body="请于月底前报送。\n联系人：<b>张三</b>",
        audience=Notice.Audience.VILLAGE,
        village=enterprise_a.village,
    )
    f.NoticeAttachmentFactory(notice=notice, original_name="报送要求.pdf")
    return notice


@pytest.fixture
def notice_b(enterprise_b):
    notice = f.NoticeFactory(
        title="乙园区通知", audience=Notice.Audience.PARK, park=enterprise_b.park
    )
    f.NoticeAttachmentFactory(notice=notice, original_name="乙.pdf")
    return notice


def _html(response) -> str:
    return response.content.decode()


# --- HR ---------------------------------------------------------------------------------------


def test_hr_list_marks_unread_and_lists_fund_notices(
    client, hr_user, enterprise_a, notice_a, notice_b
):
    read = f.NoticeFactory(title="已读的通知")
    f.NoticeReceiptFactory(notice=read, user=hr_user, enterprise=enterprise_a)
    fund_notice = f.FundNoticeFactory(enterprise=enterprise_a, year=2025)
    client.force_login(hr_user)
    html = _html(client.get(reverse("notices:list")))
    assert "关于报送花名册的通知" in html and "已读的通知" in html
    assert "乙园区通知" not in html
    # The unread notice and the unread fund notice.
    assert html.count("data-unread") == 2
    assert reverse("training:notice", args=[fund_notice.pk]) in html
    assert "2025年度教育培训经费整改通知" in html
    # Newest first: the later one above.
    assert html.index("已读的通知") < html.index("关于报送花名册的通知")


def test_hr_open_a_notice_once_is_one_receipt(client, hr_user, enterprise_a, notice_a):
    client.force_login(hr_user)
    url = reverse("notices:detail", args=[notice_a.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = _html(response)
    assert "请于月底前报送。<br>联系人：&lt;b&gt;张三&lt;/b&gt;" in html
    assert "报送要求.pdf" in html
    client.get(url)
    receipt = NoticeReceipt.objects.get()
    assert (receipt.notice, receipt.user, receipt.enterprise) == (notice_a, hr_user, enterprise_a)
    listed = _html(client.get(reverse("notices:list")))
    assert "未读" not in listed


def test_hr_download_an_attachment(client, hr_user, notice_a):
    client.force_login(hr_user)
    attachment = notice_a.attachments.get()
    response = client.get(reverse("notices:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 notice"
    assert "attachment" in response["Content-Disposition"]


def test_another_enterprises_notice_and_its_attachment_are_not_found(
    client, hr_user, enterprise_a, notice_b
):
    draft = f.NoticeFactory(published_at=None)
    client.force_login(hr_user)
    assert client.get(reverse("notices:detail", args=[notice_b.pk])).status_code == 404
    assert client.get(reverse("notices:detail", args=[draft.pk])).status_code == 404
    attachment = notice_b.attachments.get()
    assert client.get(reverse("notices:attachment", args=[attachment.pk])).status_code == 404
    assert not NoticeReceipt.objects.exists()


# --- other roles --------------------------------------------------------------------------------


def test_staff_see_drafts_and_their_reading_writes_no_receipt(client, staff_user, notice_a):
    draft = f.NoticeFactory(title="未发布的通知", published_at=None)
    client.force_login(staff_user)
    html = _html(client.get(reverse("notices:list")))
    assert "未发布的通知" in html and "草稿" in html and "未读" not in html
    assert client.get(reverse("notices:detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("notices:detail", args=[notice_a.pk])).status_code == 200
    assert not NoticeReceipt.objects.exists()


def test_union_officers_read_published_notices_without_a_receipt(
    client, union_user, notice_a, notice_b
):
    draft = f.NoticeFactory(published_at=None)
    client.force_login(union_user)
    html = _html(client.get(reverse("notices:list")))
    assert "关于报送花名册的通知" in html and "乙园区通知" in html
    assert client.get(reverse("notices:detail", args=[notice_b.pk])).status_code == 200
    assert client.get(reverse("notices:detail", args=[draft.pk])).status_code == 404
    assert not NoticeReceipt.objects.exists()


def test_officials_have_no_notices(client, official_user, notice_a):
    client.force_login(official_user)
    assert client.get(reverse("notices:list")).status_code == 403
    assert client.get(reverse("notices:detail", args=[notice_a.pk])).status_code == 403


def test_anonymous_users_log_in_first(client, notice_a):
    response = client.get(reverse("notices:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the admin ----------------------------------------------------------------------------------


def _admin_post(**fields) -> dict:
    data = {
        "title": "关于开展职工技能培训的通知",
        "body": "请各企业组织一线职工参加。",
        "audience": Notice.Audience.ALL,
        "attachments-TOTAL_FORMS": "1",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    return data


def test_staff_add_and_publish_a_notice_with_an_attachment_in_the_admin(
    client, staff_user, hr_user, enterprise_a, enterprise_b
):
    client.force_login(staff_user)
    upload = SimpleUploadedFile("培训安排.xlsx", b"PK\x03\x04 xlsx")
    response = client.post(
        reverse("admin:notices_notice_add"),
        _admin_post(
            audience=Notice.Audience.CHOSEN,
            enterprises=[enterprise_a.pk],
            **{"attachments-0-file": upload, "_publish": "保存并发布"},
        ),
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    notice = Notice.objects.get()
    assert notice.published_at is not None and notice.created_by == staff_user
    assert list(notice.enterprises.all()) == [enterprise_a]
    assert notice.attachments.get().original_name == "培训安排.xlsx"
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {
        "notices.notice.saved",
        "notices.attachment.saved",
        "notices.notice.published",
    } <= actions
    # HR of the chosen enterprise now see it.
    client.force_login(hr_user)
    assert "关于开展职工技能培训的通知" in _html(client.get(reverse("notices:list")))


def test_saving_without_publish_keeps_a_draft(client, staff_user):
    client.force_login(staff_user)
    response = client.post(reverse("admin:notices_notice_add"), _admin_post())
    assert response.status_code == 302
    assert Notice.objects.get().published_at is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"audience": Notice.Audience.CHOSEN}, "请至少选择一家企业"),
        ({"audience": Notice.Audience.VILLAGE}, "请选择村（社区）"),
        (
            {"attachments-0-file": SimpleUploadedFile("安装包.exe", b"MZ")},
            "格式不支持",
        ),
    ],
    ids=["chosen", "village", "attachment"],
)
def test_the_admin_shows_the_rules_in_chinese_and_saves_nothing(
    client, staff_user, fields, message
):
    client.force_login(staff_user)
    response = client.post(reverse("admin:notices_notice_add"), _admin_post(**fields))
    assert response.status_code == 200
    assert message in _html(response)
    assert not Notice.objects.exists() and not NoticeAttachment.objects.exists()


def test_a_published_notice_shows_its_receipts_and_keeps_its_audience(
    client, staff_user, hr_user, enterprise_a, enterprise_b
):
    notice = f.NoticeFactory(audience=Notice.Audience.CHOSEN)
    notice.enterprises.add(enterprise_a, enterprise_b)
    hr_user.last_name, hr_user.first_name = "王", "芳"
    hr_user.save()
    f.NoticeReceiptFactory(notice=notice, user=hr_user, enterprise=enterprise_a)
    client.force_login(staff_user)
    html = _html(client.get(reverse("admin:notices_notice_changelist")))
    assert "已读 1 / 应读 2" in html
    url = reverse("admin:notices_notice_change", args=[notice.pk])
    html = _html(client.get(url))
    assert "已读 1 / 应读 2" in html
    assert "甲企业" in html and "乙企业" in html and "未读" in html
    assert "王芳" in html  # who read it, family name first
    assert 'name="audience"' not in html  # fixed once published
    # A forged audience in the post is ignored; the title can still be corrected.
    response = client.post(
        url,
        _admin_post(
            title="更正后的标题",
            body=notice.body,
            audience=Notice.Audience.ALL,
            **{"attachments-TOTAL_FORMS": "0"},
        ),
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.title == "更正后的标题" and notice.audience == Notice.Audience.CHOSEN
    assert set(notice.enterprises.all()) == {enterprise_a, enterprise_b}


def test_publish_action(client, staff_user):
    drafts = f.NoticeFactory.create_batch(2, published_at=None)
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:notices_notice_changelist"),
        {"action": "publish_selected", "_selected_action": [d.pk for d in drafts]},
    )
    assert response.status_code == 302
    assert not Notice.objects.filter(published_at__isnull=True).exists()


# --- query counts -------------------------------------------------------------------------------


def test_hr_notice_list_queries_do_not_grow(client, hr_user, enterprise_a):
    def add(n):
        for notice in f.NoticeFactory.create_batch(n, audience=Notice.Audience.CHOSEN):
            notice.enterprises.add(enterprise_a)
        f.FundNoticeFactory.create_batch(n, enterprise=enterprise_a)

    assert_queries_do_not_grow(
        client,
        hr_user,
        reverse("notices:list"),
        add,
        # A notice and a fund notice a row: the notices are paginated (20 a page), the fund
        # notices all listed.
        lambda response: (
            (
                response.context["notices"].paginator.count
                + _html(response).count("data-fund-notice=")
            )
            // 2
        ),
    )


def test_staff_notice_list_queries_do_not_grow(client, staff_user):
    def add(n):
        for _ in range(n):
            village = f.VillageFactory()
            park = f.IndustrialParkFactory()
            f.NoticeFactory(audience=Notice.Audience.VILLAGE, village=village)
            f.NoticeFactory(audience=Notice.Audience.PARK, park=park, published_at=None)

    assert_queries_do_not_grow(
        client,
        staff_user,
        reverse("notices:list"),
        add,
        lambda response: response.context["notices"].paginator.count // 2,
    )
