from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkersConfig(AppConfig):
    name = "workers"
    verbose_name = _("产业工人")

    def ready(self) -> None:
        from workers import home

        home.register()  # its section of the home page (core.home)
        from django.db.models.signals import post_delete, post_save

        from core.signals import rows_written
        from enterprises.models import Enterprise
        from enterprises.selectors import enterprises_acted_for
        from imports import registry
        from workers.figures import figures_changed
        from workers.importers import ROSTER, ROSTER_DATASET, RosterImporter
        from workers.models import Employment, SkillCertificate, Worker
        from workers.roster_workbook import roster_template, roster_template_filename
        from workers.views import roster_upload_details

        registry.register(
            registry.DataSetRegistration(
                kind=ROSTER,
                label=_("花名册"),
                dataset=ROSTER_DATASET,
                importer=RosterImporter.from_context,
                enterprises_for=enterprises_acted_for,
                template=roster_template,
                template_filename=roster_template_filename,
                url_name="workers:roster_upload",
                detail_template="workers/roster_upload.html",
                detail_context=roster_upload_details,
                enterprise_url_name="workers:roster_enterprise",
                whole_list=True,
            )
        )
        _register_certificates()

        def changed(**kwargs: object) -> None:
            figures_changed()

        # The worker figures are computed from these tables (workers.figures; certificates
        # raise the effective skill level).
        for model in (Worker, Employment, Enterprise, SkillCertificate):
            post_save.connect(changed, sender=model, weak=False, dispatch_uid="figures-%s" % model)
            post_delete.connect(
                changed, sender=model, weak=False, dispatch_uid="figures-d-%s" % model
            )
        rows_written.connect(changed, weak=False, dispatch_uid="figures-bulk")


def _register_certificates() -> None:
    """职业技能等级证书: uploaded by HR for their own workers and by staff (INTERFACES.md)."""
    from enterprises.selectors import enterprises_acted_for
    from imports import registry
    from workers.certificate_importer import (
        CERTIFICATE_DATASET,
        CERTIFICATES,
        CertificateImporter,
    )
    from workers.certificate_workbook import certificate_template, certificate_template_filename

    registry.register(
        registry.DataSetRegistration(
            kind=CERTIFICATES,
            label=_("职业技能等级证书"),
            dataset=CERTIFICATE_DATASET,
            importer=CertificateImporter.from_context,
            enterprises_for=enterprises_acted_for,
            template=certificate_template,
            template_filename=certificate_template_filename,
            url_name="workers:certificates_upload",
            detail_template="workers/certificate_upload.html",
            enterprise_url_name="workers:certificates_enterprise",
        )
    )
