"""Writing, publishing and reading 通知公告 (issue 16): audience rules, publishing, receipts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditLog
from notices.models import Notice, NoticeAttachment, NoticeReceipt
from notices.services import (
    MAX_ATTACHMENT_BYTES,
    notice_attachment_save,
    notice_publish,
    notice_read,
    notice_save,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def _draft(**fields) -> Notice:
    return Notice(title="关于报送花名册的通知", body="请于月底前报送。", **fields)


def _messages(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


def test_staff_save_a_draft_to_all_enterprises_with_an_audit_row(staff_user):
    notice = notice_save(user=staff_user, notice=_draft())
    assert notice.pk and notice.published_at is None
    assert notice.created_by == staff_user
    assert AuditLog.objects.filter(action="notices.notice.saved", object_id=str(notice.pk)).exists()


def test_only_staff_write_notices(hr_user, union_user):
    for user in (hr_user, union_user):
        with pytest.raises(PermissionDenied):
            notice_save(user=user, notice=_draft())


@pytest.mark.parametrize(
    ("audience", "field", "message"),
    [
        (Notice.Audience.VILLAGE, "village", "请选择村（社区）"),
        (Notice.Audience.PARK, "park", "请选择园区"),
        (Notice.Audience.CHOSEN, "enterprises", "请至少选择一家企业"),
    ],
)
def test_an_audience_needs_its_village_park_or_enterprises(staff_user, audience, field, message):
    with pytest.raises(ValidationError) as caught:
        notice_save(user=staff_user, notice=_draft(audience=audience))
    assert message in _messages(caught.value)[field][0]
    assert not Notice.objects.exists()


def test_a_village_or_park_or_enterprises_only_with_their_audience(staff_user, enterprise_b):
    with pytest.raises(ValidationError) as caught:
        notice_save(
            user=staff_user,
            notice=_draft(audience=Notice.Audience.ALL, village=enterprise_b.village),
            enterprises=[enterprise_b],
        )
    errors = _messages(caught.value)
    assert "只有发送范围为" in errors["village"][0]
    assert "只有发送范围为" in errors["enterprises"][0]


def test_chosen_enterprises_are_saved(staff_user, enterprise_a, enterprise_b):
    notice = notice_save(
        user=staff_user, notice=_draft(audience=Notice.Audience.CHOSEN), enterprises=[enterprise_b]
    )
    assert list(notice.enterprises.all()) == [enterprise_b]


def test_publish_sets_the_time_once(staff_user):
    notice = notice_save(user=staff_user, notice=_draft())
    notice_publish(user=staff_user, notice=notice)
    first = Notice.objects.get(pk=notice.pk).published_at
    assert first is not None
    notice_publish(user=staff_user, notice=Notice.objects.get(pk=notice.pk))
    assert Notice.objects.get(pk=notice.pk).published_at == first
    assert AuditLog.objects.filter(action="notices.notice.published").count() == 1


def test_the_audience_of_a_published_notice_cannot_change(staff_user, enterprise_a, enterprise_b):
    notice = notice_save(
        user=staff_user, notice=_draft(audience=Notice.Audience.CHOSEN), enterprises=[enterprise_a]
    )
    notice_publish(user=staff_user, notice=notice)
    notice = Notice.objects.get(pk=notice.pk)
    with pytest.raises(ValidationError, match="发送范围不能再修改"):
        notice_save(user=staff_user, notice=notice, enterprises=[enterprise_a, enterprise_b])
    notice.audience = Notice.Audience.ALL
    with pytest.raises(ValidationError, match="发送范围不能再修改"):
        notice_save(user=staff_user, notice=notice)
    # The title and body may still be corrected.
    notice = Notice.objects.get(pk=notice.pk)
    notice.title = "关于报送花名册的通知（更正）"
    notice_save(user=staff_user, notice=notice)
    assert Notice.objects.get(pk=notice.pk).title.endswith("（更正）")
    assert list(notice.enterprises.all()) == [enterprise_a]


def test_an_attachment_keeps_its_name(staff_user):
    notice = f.NoticeFactory()
    attachment = NoticeAttachment(
        notice=notice, file=SimpleUploadedFile("报送要求.docx", b"PK\x03\x04 docx")
    )
    notice_attachment_save(user=staff_user, attachment=attachment)
    assert attachment.original_name == "报送要求.docx"
    assert "报送要求" not in attachment.file.name  # stored under a random name


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("程序.exe", 10, "格式不支持"),
        ("资料.zip", 10, "格式不支持"),
        ("扫描件.pdf", MAX_ATTACHMENT_BYTES + 1, "超过 20 MB"),
    ],
)
def test_attachments_are_office_documents_pdf_or_images_of_at_most_20_mb(
    staff_user, name, size, message
):
    notice = f.NoticeFactory()
    upload = SimpleUploadedFile(name, b"x")
    upload.size = size
    with pytest.raises(ValidationError) as caught:
        notice_attachment_save(
            user=staff_user, attachment=NoticeAttachment(notice=notice, file=upload)
        )
    assert message in _messages(caught.value)["file"][0]
    assert not NoticeAttachment.objects.exists()


def test_an_hr_reading_is_one_receipt_for_their_enterprise(hr_user, enterprise_a):
    notice = f.NoticeFactory(audience=Notice.Audience.ALL)
    first = notice_read(user=hr_user, notice=notice)
    again = notice_read(user=hr_user, notice=notice)
    assert first == again
    receipt = NoticeReceipt.objects.get()
    assert (receipt.user, receipt.enterprise) == (hr_user, enterprise_a)


def test_reading_for_the_addressed_one_of_several_enterprises(hr_user, enterprise_a, enterprise_b):
    enterprise_b.hr_users.add(hr_user)
    notice = f.NoticeFactory(audience=Notice.Audience.PARK, park=enterprise_b.park)
    notice_read(user=hr_user, notice=notice)
    assert NoticeReceipt.objects.get().enterprise == enterprise_b


def test_staff_union_and_unaddressed_hr_write_no_receipt(
    staff_user, union_user, hr_user, enterprise_a, enterprise_b
):
    addressed_to_b = f.NoticeFactory(audience=Notice.Audience.VILLAGE, village=enterprise_b.village)
    for_all = f.NoticeFactory()
    draft = f.NoticeFactory(published_at=None)
    assert notice_read(user=hr_user, notice=addressed_to_b) is None
    assert notice_read(user=hr_user, notice=draft) is None
    assert notice_read(user=staff_user, notice=for_all) is None
    assert notice_read(user=union_user, notice=for_all) is None
    assert not NoticeReceipt.objects.exists()
