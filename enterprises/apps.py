from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("区域与企业")

    def ready(self) -> None:
        from enterprises.importers import ENTERPRISE_DATASET, ENTERPRISES, EnterpriseImporter
        from imports import registry

        registry.register(
            registry.DataSetRegistration(
                kind=ENTERPRISES,
                label=_("企业名录"),
                dataset=ENTERPRISE_DATASET,
                importer=EnterpriseImporter.from_context,
            )
        )
