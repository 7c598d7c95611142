"""Celery queues (issue 17): uploads go to "imports", reports to "reports", everything else to
"celery", so a big report never delays an upload. docker-compose runs `-Q imports,celery` and
`-Q reports`; a worker without -Q (the tests' worker, `make run`) takes all three."""

from unittest import mock

import pytest

from jianzhou_reform.celery import app

ROUTES = {
    "core.tasks.import_validate_task": "imports",
    "core.tasks.import_apply_task": "imports",
    "core.tasks.import_previews_expire_task": "imports",
    "imports.tasks.import_originals_purge_task": "imports",
    "imports.tasks.import_uploads_sweep_task": "imports",
    "imports.tasks.import_annotated_build_task": "imports",
    "reports.tasks.report_build_task": "reports",
    "reports.tasks.report_scheduled_task": "reports",
    "reports.tasks.reports_sweep_task": "reports",
    "reports.tasks.report_figures_warm_task": "reports",
    "unions.tasks.figures_warm_task": "celery",
}


def _queue(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


@pytest.mark.parametrize(("name", "queue"), ROUTES.items())
def test_each_task_is_routed_to_its_queue(name, queue):
    app.loader.import_default_modules()
    assert name in app.tasks, name
    assert _queue(name) == queue


def test_every_task_of_the_portal_has_its_queue():
    """A task added later lands by the module it lives in: imports.tasks on "imports",
    reports.tasks on "reports", the rest on "celery"."""
    app.loader.import_default_modules()
    by_module = {"imports.tasks": "imports", "reports.tasks": "reports"}
    ours = {n: t for n, t in app.tasks.items() if not n.startswith("celery.")}
    assert set(ROUTES) <= set(ours)
    for name, task in ours.items():
        assert _queue(name) == by_module.get(task.run.__module__, "celery"), name


def test_a_worker_without_q_consumes_every_queue():
    assert set(app.amqp.queues) >= {"celery", "imports", "reports"}
    assert app.conf.task_default_queue == "celery"


def test_sending_a_report_task_publishes_to_the_reports_queue():
    from reports.tasks import report_build_task

    with mock.patch.object(app.amqp, "send_task_message") as send:
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = False
        try:
            report_build_task.apply_async((1,))
        finally:
            app.conf.task_always_eager = eager
    assert send.call_args.kwargs["queue"].name == "reports"
