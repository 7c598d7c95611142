import pytest
from django.urls import reverse

from imports.services import import_record_create


@pytest.fixture
def record(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return import_record_create(
        kind="enterprises",
        user=None,
        filename="名录.xlsx",
        content=b"original bytes",
        source="cli",
    )


def test_staff_downloads_the_original_upload(client, staff_user, record):
    client.force_login(staff_user)
    response = client.get(reverse("admin:imports_importrecord_download", args=[record.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"original bytes"
    assert "attachment" in response["Content-Disposition"]


def test_union_officer_cannot_download_uploads(client, union_user, record):
    client.force_login(union_user)
    response = client.get(reverse("admin:imports_importrecord_download", args=[record.pk]))
    assert response.status_code == 404


def test_uploads_are_not_public_media(client, record):
    assert client.get("/media/" + record.file.name).status_code == 404
    response = client.get(reverse("admin:imports_importrecord_download", args=[record.pk]))
    assert response.status_code == 302
