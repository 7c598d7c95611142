from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonorsConfig(AppConfig):
    name = "honors"
    verbose_name = _("劳模工匠")

    def ready(self) -> None:
        from honors import home

        home.register()  # its section of the home page (core.home)
        # --- the honour register: the 荣誉 data set and the worker page's honours panel
        from honors.importer import HONOUR_DATASET, HONOURS, HonourImporter
        from honors.selectors import HONOURS_PANEL, honours_panel
        from honors.workbook import honour_template, honour_template_filename, honours_tables
        from imports import registry
        from workers.panels import register_panel

        # Sub-district-wide (enterprises_for None): staff load it with import_honours; the
        # template is theirs on honors:honours_template.
        registry.register(
            registry.DataSetRegistration(
                kind=HONOURS,
                label=_("荣誉"),
                dataset=HONOUR_DATASET,
                importer=HonourImporter.from_context,
                template=honour_template,
                template_filename=honour_template_filename,
            )
        )
        # After the 学习档案 (order 20); its sheet joins the worker's learning-record download.
        register_panel(
            HONOURS_PANEL,
            template="honors/honours_panel.html",
            context=honours_panel,
            order=30,
            sheets=lambda context: honours_tables(context["worker"].name, context["honours"]),
        )
        # --- the figures: model workers and craftsmen counted with the worker figures
        from honors import figures

        figures.register()
