"""A file with a header and no data row under it is unusable (INTERFACES.md: exit 2, nothing
changed), for every data set: the blank template uploaded as it is must never read as "the
enterprise now has no workers" and offer to mark them all departed."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enterprises.models import Enterprise
from imports import registry
from imports.models import ImportRecord
from tests.commands import run_json_command
from tests.factories import EmploymentFactory, EnterpriseFactory, UnionOrganisationFactory
from tests.spreadsheets import xlsx_bytes
from training.models import FundDeclaration
from unions.models import UnionOrganisation
from workers.importers import ROSTER
from workers.models import Employment, Worker

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
COMMANDS = {
    "enterprises": "import_enterprises",
    "roster": "import_roster",
    "unions": "import_unions",
    "training_funds": "import_training_funds",
}


def blank_file(kind: str, enterprise: Enterprise | None = None) -> bytes:
    """The data set's own downloadable template when it has one, else its header alone."""
    registration = registry.get(kind)
    if registration.template is not None:
        return registration.template(enterprise)
    dataset = registration.dataset
    return xlsx_bytes(
        sheet=dataset.sheet_name,
        title_rows=[["%s（空白）" % dataset.name]],
        header=[c.name for c in dataset.columns],
    )


def stored() -> dict[str, list[dict]]:
    """Every row a data set could write (updated_at included: any write shows)."""
    return {
        "enterprises": list(Enterprise.objects.order_by("pk").values()),
        "workers": list(Worker.objects.order_by("pk").values()),
        "employments": list(Employment.objects.order_by("pk").values()),
        "unions": list(UnionOrganisation.objects.order_by("pk").values()),
        "funds": list(FundDeclaration.objects.order_by("pk").values()),
    }


@pytest.fixture
def enterprise(hr_user):
    enterprise = EnterpriseFactory(name="本企业")
    enterprise.hr_users.add(hr_user)
    for _ in range(12):  # enough for the departure guard to be the only thing in the way
        EmploymentFactory(enterprise=enterprise)
    UnionOrganisationFactory()
    return enterprise


def assert_no_data_refusal(result: dict, *, dry_run: bool = False) -> None:
    assert set(result) == {"ok", "applied", "dry_run", "counts", "errors", "warnings"}
    assert result["ok"] is False and result["applied"] is False
    assert result["dry_run"] is dry_run
    assert result["counts"]["errors"] == len(result["errors"]) == 1
    (error,) = result["errors"]
    assert error["row"] is None and error["column"] is None
    assert "没有数据行" in error["message"] and CJK.search(error["message"])
    assert result["counts"]["departed"] == result["counts"]["created"] == 0


@pytest.mark.parametrize("kind", sorted(COMMANDS))
@pytest.mark.parametrize("dry_run", [False, True])
def test_command_refuses_the_blank_template(tmp_path, enterprise, kind, dry_run):
    path = tmp_path / "空白模板.xlsx"
    path.write_bytes(blank_file(kind, enterprise if kind == ROSTER else None))
    args = ["--enterprise", enterprise.uscc] if kind == ROSTER else []
    before = stored()

    code, result = run_json_command(COMMANDS[kind], str(path), *args, *(["--dry-run"] * dry_run))

    assert code == 2, result
    assert_no_data_refusal(result, dry_run=dry_run)
    assert registry.get(kind).dataset.name in result["errors"][0]["message"]
    assert stored() == before
    if not dry_run:
        record = ImportRecord.objects.get(kind=kind)
        assert record.status == ImportRecord.Status.REFUSED


def test_rows_that_are_all_skipped_are_no_data_either(tmp_path, enterprise):
    """Blank required cells or a repeated header under the header are not data rows."""
    header = [c.name for c in registry.get(ROSTER).dataset.columns]
    data = xlsx_bytes([header, [None, None, None, None, "备注"]], sheet="花名册", header=header)
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(data)
    before = stored()

    code, result = run_json_command("import_roster", str(path), "--enterprise", enterprise.uscc)

    assert code == 2, result
    assert_no_data_refusal(result)
    assert result["counts"]["rows"] == result["counts"]["skipped"] == 2
    assert stored() == before


def test_web_upload_of_the_blank_template_is_refused_and_cannot_be_applied(
    client, hr_user, enterprise
):
    client.force_login(hr_user)
    template = client.get(reverse("workers:roster_template"))
    assert template.status_code == 200
    before = stored()

    response = client.post(
        reverse("workers:roster_enterprise", args=[enterprise.pk]),
        {"file": SimpleUploadedFile("花名册模板.xlsx", template.content)},
    )
    record = ImportRecord.objects.latest("pk")
    assert response.url == reverse("workers:roster_upload", args=[record.pk])
    assert record.status == ImportRecord.Status.REFUSED
    assert [(e["row"], e["column"]) for e in record.errors] == [(None, None)]
    assert not record.details.get("departing")

    page = client.get(response.url).content.decode()
    assert "没有数据行" in page and "请填写后再上传" in page
    assert "确认导入" not in page and "离职" not in page

    # A forged confirmation, with the departures ticked, changes nothing.
    forged = client.post(
        reverse("workers:roster_upload_confirm", args=[record.pk]),
        {"confirm_departures": "on"},
    )
    assert forged.status_code == 302
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.REFUSED
    assert stored() == before
    assert Employment.objects.filter(enterprise=enterprise, departure_date=None).count() == 12
