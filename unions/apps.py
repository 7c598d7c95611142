from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnionsConfig(AppConfig):
    name = "unions"
    verbose_name = _("工会")

    def ready(self) -> None:
        from unions import home

        home.register()  # its section of the home page (core.home)
        from imports import registry
        from unions import receivers  # noqa: F401 - connects the membership history
        from unions.importers import UNION_DATASET, UNIONS, UnionImporter

        registry.register(
            registry.DataSetRegistration(
                kind=UNIONS,
                label=_("工会组织"),
                dataset=UNION_DATASET,
                importer=UnionImporter.from_context,
            )
        )
