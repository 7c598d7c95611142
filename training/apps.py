from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("教育培训")

    def ready(self) -> None:
        from enterprises.selectors import enterprises_acted_for
        from imports import registry
        from training.importers import TRAINING_FUND_DATASET, TRAINING_FUNDS, TrainingFundImporter
        from training.workbook import fund_template, fund_template_filename

        registry.register(
            registry.DataSetRegistration(
                kind=TRAINING_FUNDS,
                label=_("教育培训经费"),
                dataset=TRAINING_FUND_DATASET,
                importer=TrainingFundImporter.from_context,
                enterprises_for=enterprises_acted_for,
                template=fund_template,
                template_filename=fund_template_filename,
                url_name="training:upload",
                detail_template="training/fund_upload.html",
                enterprise_url_name="training:enterprise",
            )
        )
