"""workers 0008 (leaner indexes for roster inserts): a database from before keeps its workers
and jobs, and an ID number is still registered only once."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from tests.factories import make_id_number
from tests.imports.test_migrations import latest, migrate

BEFORE = [("workers", "0007_skill_certificate")]
AFTER = [("workers", "0008_lean_indexes")]


@pytest.mark.django_db(transaction=True)
def test_lean_indexes_keep_rows_and_the_unique_id_number():
    old = migrate(BEFORE)
    Village = old.get_model("enterprises", "Village")
    Enterprise = old.get_model("enterprises", "Enterprise")
    Worker = old.get_model("workers", "Worker")
    Employment = old.get_model("workers", "Employment")
    village = Village.objects.create(name="迁移村")
    enterprise = Enterprise.objects.create(
        uscc="91330683MA2T0MIG1X", name="迁移企业", village=village
    )
    worker = Worker.objects.create(
        id_number=make_id_number(1, datetime.date(1990, 1, 1), "M"),
        name="迁移前",
        sex="M",
        birth_date="1990-01-01",
    )
    job = Employment.objects.create(worker=worker, enterprise=enterprise, hire_date="2020-01-01")
    try:
        new = migrate(AFTER)
        Worker = new.get_model("workers", "Worker")
        kept = Worker.objects.get(pk=worker.pk)
        assert (kept.name, kept.id_number_digest) == ("迁移前", worker.id_number_digest)
        assert new.get_model("workers", "Employment").objects.get(pk=job.pk).worker_id == kept.pk
        with pytest.raises(IntegrityError), transaction.atomic():
            Worker.objects.create(
                id_number=make_id_number(1, datetime.date(1990, 1, 1), "M"),
                name="同一身份证号",
                sex="M",
                birth_date="1990-01-01",
            )
    finally:
        new = migrate(latest())
        new.get_model("workers", "Employment").objects.filter(pk=job.pk).delete()
        new.get_model("workers", "Worker").objects.filter(pk=worker.pk).delete()
        new.get_model("enterprises", "Enterprise").objects.filter(pk=enterprise.pk).delete()
        new.get_model("enterprises", "Village").objects.filter(pk=village.pk).delete()
