"""The spreadsheet platform's writes: import records, one-step imports (commands) and uploads in
two steps (preview, then apply on confirmation; STYLE.md rule 4)."""

import datetime
import hashlib
import logging
import tempfile
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from core.services import audit_record
from imports import registry
from imports.annotate import annotated_workbook_write
from imports.engine import (
    ImportContext,
    Importer,
    ImportResult,
    Issue,
    run_import,
    run_parsed_import,
)
from imports.forms import CONFIRM_DEPARTURES_LABEL
from imports.models import ImportRecord, ImportRetention
from imports.reading import UnusableFile
from imports.selectors import import_progress, progress_key, upload_enterprises_for
from imports.staging import dump_parsed, load_parsed


def import_record_create(
    *,
    kind: str,
    user: Any,
    filename: str,
    content: bytes,
    enterprise: Any = None,
    source: str = "web",
) -> ImportRecord:
    """Keep the uploaded file and who sent it before any reading starts (STYLE.md rule 4)."""
    record = ImportRecord(
        kind=kind,
        enterprise=enterprise,
        uploaded_by=user if getattr(user, "pk", None) else None,
        source=source,
        original_name=filename[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )
    record.file.save(filename, ContentFile(content), save=False)
    record.save()
    return record


def import_record_finish(*, record: ImportRecord, result: Any, actor: Any) -> ImportRecord:
    if result.applied:
        record.status = ImportRecord.Status.APPLIED
    elif result.exit_code == 2:
        record.status = ImportRecord.Status.REFUSED
    elif result.errors:
        record.status = ImportRecord.Status.INVALID
    else:
        record.status = ImportRecord.Status.VALIDATED
    record.sheet_name = result.sheet_name or ""
    record.counts = result.counts
    record.errors = [issue.as_dict() for issue in result.errors]
    record.warnings = [issue.as_dict() for issue in result.warnings]
    record.finished_at = timezone.now()
    record.save()
    audit_record(
        actor=actor,
        action="import.%s.%s" % (record.kind, record.status),
        target=record,
        counts=result.counts,
    )
    if record.status == ImportRecord.Status.APPLIED:
        import_previews_supersede(record=record, older_only=False)
    return record


def import_execute(
    *,
    kind: str,
    importer: Any,
    user: Any,
    filename: str,
    content: bytes,
    dry_run: bool,
    enterprise: Any = None,
    source: str = "web",
) -> tuple[Any, ImportRecord | None]:
    """Run one import of any data set; a real run is recorded (who, file, outcome) around it,
    a dry run writes nothing at all (INTERFACES.md)."""
    record = None
    if not dry_run:
        record = import_record_create(
            kind=kind,
            user=user,
            filename=filename,
            content=content,
            enterprise=enterprise,
            source=source,
        )
    result = run_import(importer, content, filename=filename, dry_run=dry_run)
    if record is not None:
        import_record_finish(record=record, result=result, actor=user)
    return result, record


# Uploads in two steps: preview, then apply on confirmation.

logger = logging.getLogger(__name__)

# A run that keeps killing its worker (redelivered after each crash) is given up after this.
MAX_ATTEMPTS = 3
# Share of the bar each stage starts at, per step.
_VALIDATE_STAGES = {"read": 2, "parse": 10, "check": 75, "plan": 85}
_APPLY_STAGES = {"load": 5, "check": 20, "plan": 35, "apply": 60}


def importer_for(record: ImportRecord, *, preview: bool) -> Importer:
    """The data set's importer for an upload; the enterprise always comes from the record."""
    return registry.get(record.kind).importer(
        ImportContext(
            actor=record.applied_by or record.uploaded_by,
            enterprise=record.enterprise,
            preview=preview,
            confirm_departures=record.confirm_departures,
            source=record.source,
        )
    )


def _progress_reporter(
    record: ImportRecord, stages: dict[str, int]
) -> Callable[[str, int, int], None]:
    labels = {
        "read": gettext("读取文件"),
        "load": gettext("读取已校验数据"),
        "parse": gettext("逐行校验"),
        "check": gettext("交叉检查"),
        "plan": gettext("比对现有数据"),
        "apply": gettext("写入数据库"),
    }
    order = list(stages)
    key = progress_key(record)
    cache.delete(key)  # each step's bar starts from zero

    def report(stage: str, done: int, total: int) -> None:
        start = stages.get(stage, 0)
        following = order.index(stage) + 1 if stage in order else len(order)
        end = stages[order[following]] if following < len(order) else 98
        percent = start + (end - start) * done // max(total, 1)
        cache.set(
            key,
            {"stage": labels.get(stage, stage), "percent": percent, "at": time.time()},
            timeout=24 * 3600,
        )

    return report


def _enqueue(task: Any, record_id: int) -> None:
    """Send the task once the record is committed. A broker that is down fails at once
    (settings: no publish retries, short socket timeouts); the upload then waits in its state,
    unsent, and the sweeper (`import_uploads_sweep`) sends it when the broker is back."""
    transaction.on_commit(lambda: import_record_send(task, record_id))


def import_record_send(task: Any, record_id: int) -> bool:
    """Hand a step of an upload to Celery; False when it was sent already or the broker is
    down (the record stays unsent for the sweeper). The send is claimed on the record first,
    so the request and the sweeper, or two sweepers, never both send one step."""
    claimed = ImportRecord.objects.filter(pk=record_id, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    if not claimed:
        return False
    try:
        task.delay(record_id)
    except Exception:
        ImportRecord.objects.filter(pk=record_id).update(sent_at=None)
        logger.warning(
            "import %s not sent to the broker; the sweeper will", record_id, exc_info=True
        )
        return False
    return True


def import_uploads_sweep(*, older_than: datetime.timedelta = datetime.timedelta(minutes=1)) -> int:
    """Send the uploads whose step the broker never took (down when the file was sent or the
    preview confirmed); run by celery beat every minute. Running it twice is harmless: each
    send is claimed on the record, and the task claims the record before it runs."""
    from imports.tasks import import_apply_task, import_validate_task

    # Never started (attempts 0) and a minute old: a small upload being checked in its own
    # request right now is not taken from it.
    waiting = ImportRecord.objects.filter(
        status__in=(ImportRecord.Status.PENDING, ImportRecord.Status.APPLYING),
        attempts=0,
        sent_at__isnull=True,
        updated_at__lt=timezone.now() - older_than,
    ).values_list("pk", "status")
    sent = 0
    for pk, status in list(waiting):
        task = import_apply_task if status == ImportRecord.Status.APPLYING else import_validate_task
        sent += import_record_send(task, pk)
    return sent


def _runs_in_background(record: ImportRecord) -> bool:
    return record.size >= settings.IMPORT_ASYNC_FROM_BYTES


def import_upload_start(
    *,
    kind: str,
    user: Any,
    filename: str,
    content: bytes,
    enterprise: Any = None,
) -> ImportRecord:
    """Record an upload and check it: in the request for small files, in a task for large ones.

    Nothing but the record and its staged rows is written: the data change on confirmation.
    """
    from imports.tasks import import_validate_task

    record = import_record_create(
        kind=kind, user=user, filename=filename, content=content, enterprise=enterprise
    )
    audit_record(actor=user, action="import.%s.uploaded" % kind, target=record)
    if _runs_in_background(record):
        _enqueue(import_validate_task, record.pk)
    else:
        import_record_validate(record_id=record.pk)
        record.refresh_from_db()
    return record


def _start_run(record_id: int, expected: tuple[str, ...], running: str) -> ImportRecord | None:
    """Claim a record for a run; None when it is gone, done, or has failed too often."""
    with transaction.atomic():
        record = (
            ImportRecord.objects.select_for_update(of=("self",))
            .select_related("enterprise")
            .filter(pk=record_id)
            .first()
        )
        if record is None or record.status not in expected:
            return None
        record.attempts += 1
        if record.attempts > MAX_ATTEMPTS:
            record.status = ImportRecord.Status.FAILED
            record.errors = [
                Issue(
                    None,
                    None,
                    gettext("该文件多次处理都未能完成，请检查文件后重新上传，或联系街道工作人员。"),
                ).as_dict()
            ]
            record.save()
            return None
        record.status = running
        record.save()
    return record


def _fail(record_id: int, exc: BaseException) -> None:
    logger.exception("import %s failed", record_id, exc_info=exc)
    ImportRecord.objects.filter(pk=record_id).update(
        status=ImportRecord.Status.FAILED,
        errors=[
            Issue(
                None,
                None,
                gettext(
                    "处理时发生系统错误，数据没有任何改动。可以点击“重试”；如仍失败请联系街道。"
                ),
            ).as_dict()
        ],
        updated_at=timezone.now(),
    )


def import_record_validate(*, record_id: int) -> None:
    """Preview an upload: read and check the file, plan against the data, keep the rows.

    Writes only the record (status, counts, every error, the changes it would make).
    """
    record = _start_run(
        record_id, (ImportRecord.Status.PENDING, ImportRecord.Status.VALIDATING), "validating"
    )
    if record is None:
        return
    try:
        with record.file.open("rb") as handle:
            content = handle.read()
        result = run_import(
            importer_for(record, preview=True),
            content,
            filename=record.original_name,
            dry_run=True,
            progress=_progress_reporter(record, _VALIDATE_STAGES),
            keep_rows=True,
        )
        del content
        if result.parsed is not None:
            if record.staged_rows:
                record.staged_rows.delete(save=False)
            record.staged_rows.save(
                "%d.json.gz" % record.pk, ContentFile(dump_parsed(result.parsed)), save=False
            )
            result.parsed = None
        _store_result(record, result)
        record.finished_at = None
        record.annotated = ImportRecord.Annotated.NOT_REQUESTED
        record.annotated_queued_at = None
        if record.status == ImportRecord.Status.INVALID and _runs_in_background(record):
            # Its worker builds the 错误说明 file next (imports.tasks.import_validate_task).
            record.annotated = ImportRecord.Annotated.QUEUED
            record.annotated_queued_at = timezone.now()
        record.save()
    except Exception as exc:
        _fail(record_id, exc)
        return
    if record.status == ImportRecord.Status.VALIDATED:
        _previews_settle(record)
    audit_record(
        actor=record.uploaded_by,
        action="import.%s.%s" % (record.kind, record.status),
        target=record,
        counts=record.counts,
    )


def _store_result(record: ImportRecord, result: ImportResult) -> None:
    if result.exit_code == 2:
        record.status = ImportRecord.Status.REFUSED
    elif result.errors:
        record.status = ImportRecord.Status.INVALID
    elif result.applied:
        record.status = ImportRecord.Status.APPLIED
    else:
        record.status = ImportRecord.Status.VALIDATED
    record.sheet_name = result.sheet_name or record.sheet_name
    record.counts = result.counts
    record.errors = [issue.as_dict() for issue in result.errors]
    record.warnings = [issue.as_dict() for issue in result.warnings]
    if result.details:
        record.details = result.details


def import_record_apply_start(
    *, record: ImportRecord, user: Any, confirm_departures: bool
) -> ImportRecord:
    """The user confirms a clean preview; the data change in the request or in a task."""
    from imports.tasks import import_apply_task

    with transaction.atomic():
        record = ImportRecord.objects.select_for_update().get(pk=record.pk)
        if record.status != ImportRecord.Status.VALIDATED:
            raise ValidationError(
                gettext("这次上传当前的状态是“%(status)s”，不能导入。")
                % {"status": record.get_status_display()}
            )
        if record.details.get("departures_need_confirmation") and not confirm_departures:
            raise ValidationError(
                gettext("本次导入会把较多职工标记为离职，请勾选“%(label)s”后再导入。")
                % {"label": CONFIRM_DEPARTURES_LABEL}
            )
        record.status = ImportRecord.Status.APPLYING
        record.applied_by = user if getattr(user, "pk", None) else None
        record.confirmed_at = timezone.now()
        record.confirm_departures = confirm_departures
        record.attempts = 0
        record.sent_at = None  # the apply step's task is still to be sent
        record.save()
        audit_record(actor=user, action="import.%s.confirmed" % record.kind, target=record)
        if _runs_in_background(record):
            _enqueue(import_apply_task, record.pk)
    if not _runs_in_background(record):
        import_record_apply(record_id=record.pk)
        record.refresh_from_db()
    return record


def import_record_apply(*, record_id: int) -> None:
    """Apply a confirmed preview from its staged rows, in one transaction with the record's
    status: a crash leaves nothing half-written and the upload still "导入中", to be retried;
    a second run of an applied record does nothing."""
    record = _start_run(record_id, (ImportRecord.Status.APPLYING,), "applying")
    if record is None:
        return
    progress = _progress_reporter(record, _APPLY_STAGES)
    try:
        with transaction.atomic():
            record = ImportRecord.objects.select_for_update().get(pk=record_id)
            if record.status != ImportRecord.Status.APPLYING:
                return
            importer = importer_for(record, preview=False)
            importer.lock()
            newer = _applied_since(record)
            if newer is not None:
                record.status = ImportRecord.Status.REFUSED
                record.errors = [
                    Issue(
                        None,
                        None,
                        gettext(
                            "预览之后，%(time)s 已有另一份文件（%(name)s）导入。为避免用旧文件"
                            "覆盖新数据，本次没有导入，请重新上传最新的文件。"
                        )
                        % {
                            "time": timezone.localtime(newer.finished_at).strftime(
                                "%Y-%m-%d %H:%M"
                            ),
                            "name": newer.original_name,
                        },
                    ).as_dict()
                ]
                record.finished_at = timezone.now()
                record.save()
                return
            progress("load", 0, 1)
            with record.staged_rows.open("rb") as handle:
                parsed = load_parsed(handle.read())
            result = run_parsed_import(importer, parsed, dry_run=False, progress=progress)
            del parsed
            _store_result(record, result)
            record.finished_at = timezone.now()
            record.save()
            audit_record(
                actor=record.applied_by,
                action="import.%s.%s" % (record.kind, record.status),
                target=record,
                counts=record.counts,
            )
    except Exception as exc:
        _fail(record_id, exc)
        return
    if record.status == ImportRecord.Status.APPLIED:
        if record.staged_rows:
            record.staged_rows.delete(save=True)
        import_previews_supersede(record=record, older_only=False)


def _previews_settle(record: ImportRecord) -> None:
    """After a clean preview: none previewed before a later apply stays to be confirmed (a
    preview that took long may finish after an apply), and for a data set uploaded as the
    whole list (the roster) only the newest clean preview does."""
    applied = _applied_since(record)
    if applied is not None:
        _supersede([record.pk], newer=applied)
        return
    registration = registry.find(record.kind)
    if registration is None or not registration.whole_list:
        return
    newest = (
        ImportRecord.objects.filter(
            kind=record.kind,
            enterprise=record.enterprise,
            status=ImportRecord.Status.VALIDATED,
        )
        .order_by("-pk")
        .first()
    )
    if newest is not None:
        import_previews_supersede(record=newest, older_only=True)


def import_previews_supersede(*, record: ImportRecord, older_only: bool) -> int:
    """Mark the other previews of the same data for the same enterprise as overtaken
    (已被新的上传取代) as soon as `record` is previewed clean (the older ones only) or applied
    (every other one: the confirm step would refuse them, _applied_since), so the history says
    so at once instead of 已校验，待确认. One UPDATE; then their staged rows (personal data)
    are deleted. Returns how many were marked."""
    stale = ImportRecord.objects.filter(
        kind=record.kind,
        enterprise=record.enterprise,
        status=ImportRecord.Status.VALIDATED,
    ).exclude(pk=record.pk)
    if older_only:
        stale = stale.filter(pk__lt=record.pk)
    return _supersede(list(stale.values_list("pk", flat=True)), newer=record)


def _delete_after_commit(field_file: Any) -> None:
    """Delete a stored file once the surrounding transaction commits: rolled back, the record
    still names its file, and the file is still there."""
    storage, name = field_file.storage, field_file.name
    transaction.on_commit(lambda: storage.delete(name))


def _supersede(ids: list[int], *, newer: ImportRecord) -> int:
    if not ids:
        return 0
    record = newer
    message = gettext(
        "之后已有一份新的文件（%(name)s）%(what)s，本次预览已被取代，不能再确认导入。"
        "如需导入，请确认新的上传或重新上传。"
    ) % {
        "name": record.original_name,
        "what": gettext("导入")
        if record.status == ImportRecord.Status.APPLIED
        else gettext("上传"),
    }
    now = timezone.now()
    # Only rows still waiting: one confirmed meanwhile (applying) is left to the confirm step.
    marked = ImportRecord.objects.filter(pk__in=ids, status=ImportRecord.Status.VALIDATED).update(
        status=ImportRecord.Status.SUPERSEDED,
        errors=[Issue(None, None, message).as_dict()],
        finished_at=now,
        updated_at=now,
    )
    superseded = ImportRecord.objects.filter(
        pk__in=ids, status=ImportRecord.Status.SUPERSEDED
    ).exclude(staged_rows="")
    for stale_record in superseded.only("pk", "staged_rows"):
        _delete_after_commit(stale_record.staged_rows)
        ImportRecord.objects.filter(pk=stale_record.pk).update(staged_rows="")
    if marked:
        audit_record(
            actor=None,
            action="import.%s.superseded" % record.kind,
            target=record,
            counts={"previews": marked},
        )
    return marked


def import_record_discard(*, record: ImportRecord, user: Any) -> ImportRecord:
    """Drop a clean preview (放弃): it can no longer be confirmed and its staged rows are
    deleted; the record and its original stay in the history as 已放弃. Discarding a discarded
    preview again changes nothing."""
    with transaction.atomic():
        record = ImportRecord.objects.select_for_update().get(pk=record.pk)
        if record.status == ImportRecord.Status.DISCARDED:
            return record
        if record.status != ImportRecord.Status.VALIDATED:
            raise ValidationError(
                gettext("这次上传当前的状态是“%(status)s”，不能放弃。")
                % {"status": record.get_status_display()}
            )
        if record.staged_rows:
            _delete_after_commit(record.staged_rows)
            record.staged_rows = ""
        record.status = ImportRecord.Status.DISCARDED
        record.finished_at = timezone.now()
        record.save()
        audit_record(actor=user, action="import.%s.discarded" % record.kind, target=record)
    return record


def _applied_since(record: ImportRecord) -> ImportRecord | None:
    """Another upload of the same data for the same enterprise applied after this preview."""
    return (
        ImportRecord.objects.filter(
            kind=record.kind,
            enterprise=record.enterprise,
            status=ImportRecord.Status.APPLIED,
            finished_at__gt=record.created_at,
        )
        .exclude(pk=record.pk)
        .order_by("-finished_at")
        .first()
    )


def import_record_retry(*, record: ImportRecord, user: Any) -> ImportRecord:
    """Run a failed or stalled upload again from where it stopped; safe to repeat."""
    from imports.tasks import import_apply_task, import_validate_task

    progress = import_progress(record)
    if record.status != ImportRecord.Status.FAILED and not progress["stalled"]:
        raise ValidationError(gettext("这次上传没有中断，不需要重试。"))
    applying = record.applied_by_id is not None or record.confirmed_at is not None
    ImportRecord.objects.filter(pk=record.pk).update(
        status=ImportRecord.Status.APPLYING if applying else ImportRecord.Status.PENDING,
        errors=[],
        attempts=0,
        sent_at=None,
        updated_at=timezone.now(),
    )
    audit_record(actor=user, action="import.%s.retried" % record.kind, target=record)
    if _runs_in_background(record):
        _enqueue(import_apply_task if applying else import_validate_task, record.pk)
    elif applying:
        import_record_apply(record_id=record.pk)
    else:
        import_record_validate(record_id=record.pk)
    record.refresh_from_db()
    return record


def annotated_name(record: ImportRecord) -> str:
    """Where an upload's 错误说明 file is kept, in the storage of its original."""
    return "imports/annotated/%d-%s.xlsx" % (record.pk, record.sha256[:16])


def import_record_annotated(*, record: ImportRecord) -> File | str | None:
    """The 错误说明 file of an upload with row errors, opened for streaming; None when it has
    none (another status, or its original was deleted); else the state it is in: QUEUED while
    the worker builds a large upload's (queued again if it was lost), UNUSABLE if it cannot be
    made.

    Kept beside the original, in the original's storage (it holds the same personal data):
    downloads stream the stored file. A large upload's is built by its worker after the check
    (import_record_annotated_build); the request never builds one, only a small upload's, on
    its first download."""
    storage = record.file.storage
    name = annotated_name(record)
    if not record.file:
        storage.delete(name)  # the original is gone: so is every copy of its rows
        return None
    if record.status != ImportRecord.Status.INVALID:
        return None
    if record.annotated == ImportRecord.Annotated.UNUSABLE:
        return ImportRecord.Annotated.UNUSABLE
    if not storage.exists(name):
        if _runs_in_background(record):
            import_annotated_send(record_id=record.pk)
            return ImportRecord.Annotated.QUEUED
        if import_record_annotated_build(record_id=record.pk) != ImportRecord.Annotated.READY:
            return ImportRecord.Annotated.UNUSABLE
    return storage.open(name, "rb")


def import_record_annotated_build(*, record_id: int) -> str | None:
    """Build an upload's 错误说明 file and store it beside its original; returns READY or
    UNUSABLE, None for an upload that has none. Safe to repeat: a second builder waits on the
    row, then finds the file stored.

    Each build is counted, and the count committed, before it starts: a build that kills its
    worker (and is delivered or queued again) is given up as UNUSABLE after MAX_ATTEMPTS
    instead of being tried forever."""
    found = ImportRecord.objects.filter(pk=record_id, status=ImportRecord.Status.INVALID).first()
    if found is not None and found.file and not found.file.storage.exists(annotated_name(found)):
        ImportRecord.objects.filter(pk=record_id).update(
            annotated_attempts=F("annotated_attempts") + 1
        )
    with transaction.atomic():
        record = ImportRecord.objects.select_for_update(of=("self",)).filter(pk=record_id).first()
        if record is None or record.status != ImportRecord.Status.INVALID or not record.file:
            return None
        if record.annotated == ImportRecord.Annotated.UNUSABLE:
            return record.annotated
        storage, name = record.file.storage, annotated_name(record)
        state = ImportRecord.Annotated.READY
        if not storage.exists(name) and record.annotated_attempts > MAX_ATTEMPTS:
            logger.error(
                "错误说明 file of import %s given up after %d builds", record_id, MAX_ATTEMPTS
            )
            state = ImportRecord.Annotated.UNUSABLE
        elif not storage.exists(name):
            try:
                _annotated_store(record, storage, name)
            except UnusableFile:
                state = ImportRecord.Annotated.UNUSABLE  # read under older limits, now refused
            except (DatabaseError, OSError):
                raise  # transient: the task retries, or the sweeper queues it again
            except Exception:
                # The same file fails the same way each time: say so instead of retrying.
                logger.exception("错误说明 file of import %s not built", record_id)
                state = ImportRecord.Annotated.UNUSABLE
        if record.annotated != state:
            ImportRecord.objects.filter(pk=record.pk).update(annotated=state)
    return state


def _annotated_store(record: ImportRecord, storage: Any, name: str) -> None:
    with tempfile.TemporaryFile() as out:
        with record.file.open("rb") as handle:
            content = handle.read()
        annotated_workbook_write(
            out,
            content,
            filename=record.original_name,
            dataset=registry.get(record.kind).dataset,
            errors=record.errors,
        )
        del content
        out.seek(0)
        storage.save(name, File(out, name=name))


def import_annotated_send(*, record_id: int) -> bool:
    """Queue the worker's build of a large upload's 错误说明 file: one never queued (checked
    before the worker built them), or queued so long ago (IMPORT_STALL_SECONDS) that its worker
    died. Claimed on the record, so the download and the sweeper, or two downloads, queue it
    once; False when there was nothing to queue."""
    from imports.tasks import import_annotated_build_task

    now = timezone.now()
    lost = Q(annotated_queued_at__isnull=True) | Q(
        annotated_queued_at__lt=now - datetime.timedelta(seconds=settings.IMPORT_STALL_SECONDS)
    )
    claimed = (
        ImportRecord.objects.filter(pk=record_id, status=ImportRecord.Status.INVALID)
        .exclude(file="")
        .filter(
            # READY here: stored once, and the file is missing since.
            Q(annotated__in=(ImportRecord.Annotated.NOT_REQUESTED, ImportRecord.Annotated.READY))
            | (Q(annotated=ImportRecord.Annotated.QUEUED) & lost)
        )
        .update(annotated=ImportRecord.Annotated.QUEUED, annotated_queued_at=now)
    )
    if not claimed:
        return False

    def send() -> None:
        try:
            import_annotated_build_task.delay(record_id)
        except Exception:
            # Left queued with no time: the sweeper sends it once the broker is back.
            ImportRecord.objects.filter(pk=record_id).update(annotated_queued_at=None)
            logger.warning("错误说明 file of import %s not sent to the broker", record_id)

    transaction.on_commit(send)
    return True


def import_annotated_sweep() -> int:
    """Queue again the 错误说明 files whose build was lost (its worker died, or the broker was
    down); run by celery beat with the upload sweep. Returns how many were queued."""
    lost = Q(annotated_queued_at__isnull=True) | Q(
        annotated_queued_at__lt=timezone.now()
        - datetime.timedelta(seconds=settings.IMPORT_STALL_SECONDS)
    )
    due = (
        ImportRecord.objects.filter(
            lost, status=ImportRecord.Status.INVALID, annotated=ImportRecord.Annotated.QUEUED
        )
        .exclude(file="")
        .values_list("pk", flat=True)
    )
    return sum(import_annotated_send(record_id=pk) for pk in list(due))


def import_previews_expire(*, older_than: datetime.timedelta) -> int:
    """Previews never confirmed are dropped after a while: their staged rows hold personal
    data (PIPL) and would only pile up. The record and the original file stay in the history."""
    cutoff = timezone.now() - older_than
    expired = 0
    stale = ImportRecord.objects.filter(
        status=ImportRecord.Status.VALIDATED, created_at__lt=cutoff
    ).only("pk", "staged_rows", "kind")
    for record in stale.iterator():
        with transaction.atomic():
            locked = (
                ImportRecord.objects.select_for_update()
                .filter(pk=record.pk, status=ImportRecord.Status.VALIDATED)
                .first()
            )
            if locked is None:  # confirmed meanwhile
                continue
            if locked.staged_rows:
                locked.staged_rows.delete(save=False)
            locked.status = ImportRecord.Status.EXPIRED
            locked.errors = [
                Issue(
                    None,
                    None,
                    gettext("预览超过 %(days)s 天没有确认，已过期，没有任何改动。请重新上传。")
                    % {"days": older_than.days},
                ).as_dict()
            ]
            locked.save()
            expired += 1
    return expired


def import_originals_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete uploaded originals older than the retention period staff set (ImportRetention):
    they hold every row's ID number and phone. Uploads still being worked on keep theirs; the
    record, its counts and its errors stay. Returns how many files were deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=ImportRetention.current().originals_days)
    finished = (
        ImportRecord.Status.APPLIED,
        ImportRecord.Status.INVALID,
        ImportRecord.Status.REFUSED,
        ImportRecord.Status.FAILED,
        ImportRecord.Status.EXPIRED,
        ImportRecord.Status.DISCARDED,
        ImportRecord.Status.SUPERSEDED,
    )
    due = (
        ImportRecord.objects.filter(status__in=finished, created_at__lt=cutoff)
        .exclude(file="")
        .only("pk", "file", "sha256")
    )
    purged = 0
    for record in due.iterator():
        with transaction.atomic():
            # Locked: a worker building its 错误说明 file finishes first, and its file goes too.
            locked = ImportRecord.objects.select_for_update().filter(pk=record.pk)
            if not list(locked.values_list("pk", flat=True)):
                continue
            record.file.storage.delete(annotated_name(record))  # the 错误说明 copy of its rows
            if record.file:
                record.file.delete(save=False)
            ImportRecord.objects.filter(pk=record.pk).update(
                file="",
                file_deleted_at=now,
                annotated=ImportRecord.Annotated.NOT_REQUESTED,
                annotated_queued_at=None,
            )
        purged += 1
    if purged:
        audit_record(actor=None, action="import.originals.purged", counts={"files": purged})
    return purged


# One data set's import as a command or staff run it, and its upload pages' three actions.


def dataset_import(
    *,
    kind: str,
    user: Any,
    filename: str,
    content: bytes,
    dry_run: bool,
    enterprise: Any = None,
    confirm_departures: bool = False,
    source: str = "web",
) -> tuple[ImportResult, ImportRecord | None]:
    """Import a whole file of a registered data set in one step, all-or-nothing (DOMAIN.md).

    For a data set uploaded per enterprise, the upload belongs to `enterprise` whatever the
    file says: callers pass the enterprise the user may act for, never one read from the file.
    """
    importer = registry.get(kind).importer(
        ImportContext(
            actor=user,
            enterprise=enterprise,
            confirm_departures=confirm_departures,
            source=source,
        )
    )
    return import_execute(
        kind=kind,
        importer=importer,
        user=user,
        filename=filename,
        content=content,
        dry_run=dry_run,
        enterprise=enterprise,
        source=source,
    )


def _may_upload_for(user: Any, kind: str, enterprise_id: int | None) -> bool:
    enterprises = upload_enterprises_for(user, kind)
    return (
        enterprise_id is not None
        and enterprises is not None
        and enterprises.filter(pk=enterprise_id).exists()
    )


def upload_preview(
    *, kind: str, user: Any, enterprise: Any, filename: str, content: bytes
) -> ImportRecord:
    """Keep an upload for an enterprise and check it; nothing else changes until confirmed.

    The enterprise is the one the page belongs to (and the user may act for), never one read
    from the file."""
    if not _may_upload_for(user, kind, enterprise.pk):
        raise PermissionDenied
    return import_upload_start(
        kind=kind, user=user, filename=filename, content=content, enterprise=enterprise
    )


def upload_apply(
    *, user: Any, record: ImportRecord, confirm_departures: bool = False
) -> ImportRecord:
    """Apply a clean preview the user confirmed (with the second confirmation when DOMAIN.md's
    departure limit is passed)."""
    if not _may_upload_for(user, record.kind, record.enterprise_id):
        raise PermissionDenied
    return import_record_apply_start(
        record=record, user=user, confirm_departures=confirm_departures
    )


def upload_retry(*, user: Any, record: ImportRecord) -> ImportRecord:
    if not _may_upload_for(user, record.kind, record.enterprise_id):
        raise PermissionDenied
    return import_record_retry(record=record, user=user)


def upload_discard(*, user: Any, record: ImportRecord) -> ImportRecord:
    """放弃 a preview: the HR of the upload's enterprise or staff (who may upload for it)."""
    if not _may_upload_for(user, record.kind, record.enterprise_id):
        raise PermissionDenied
    return import_record_discard(record=record, user=user)
