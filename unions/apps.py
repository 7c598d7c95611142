from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnionsConfig(AppConfig):
    name = "unions"
    verbose_name = _("工会")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from core.signals import rows_written
        from enterprises.models import Enterprise
        from unions.figures import figures_changed
        from workers.models import Employment, Worker

        def changed(**kwargs: object) -> None:
            figures_changed()

        # The worker figures are computed from these three tables (unions.figures).
        for model in (Worker, Employment, Enterprise):
            post_save.connect(changed, sender=model, weak=False, dispatch_uid="figures-%s" % model)
            post_delete.connect(
                changed, sender=model, weak=False, dispatch_uid="figures-d-%s" % model
            )
        rows_written.connect(changed, weak=False, dispatch_uid="figures-bulk")
