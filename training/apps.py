from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("教育培训")

    def ready(self) -> None:
        from training import home

        home.register()  # its section of the home page (core.home)
        from core.home import register_unread_counter
        from training.selectors import fund_notice_unread_count

        # 整改通知 unread by an HR user count in the navbar's 通知 badge (issue 16).
        register_unread_counter("fund_notices", fund_notice_unread_count)

        from enterprises.selectors import enterprises_acted_for
        from imports import registry
        from training import figures

        # Trained workers and competition awardees are counted with the worker figures.
        figures.register()
        from training.importers import TRAINING_FUND_DATASET, TRAINING_FUNDS, TrainingFundImporter
        from training.views import fund_upload_details
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
                detail_context=fund_upload_details,
                enterprise_url_name="training:enterprise",
            )
        )

        from training.record_importer import (
            TRAINING_RECORD_DATASET,
            TRAINING_RECORDS,
            TrainingRecordImporter,
        )
        from training.workbook import records_template, records_template_filename

        registry.register(
            registry.DataSetRegistration(
                kind=TRAINING_RECORDS,
                label=_("培训记录"),
                dataset=TRAINING_RECORD_DATASET,
                importer=TrainingRecordImporter.from_context,
                enterprises_for=enterprises_acted_for,
                template=records_template,
                template_filename=records_template_filename,
                url_name="training:records_upload",
                detail_template="training/record_upload.html",
                enterprise_url_name="training:records_enterprise",
            )
        )

        from training.competition_importer import (
            COMPETITION_DATASET,
            COMPETITION_RESULTS,
            CompetitionResultImporter,
        )
        from training.competition_workbook import (
            competition_template,
            competition_template_filename,
        )

        # Sub-district-wide (enterprises_for None): staff load it with the command; the
        # template is theirs on training:competitions_template.
        registry.register(
            registry.DataSetRegistration(
                kind=COMPETITION_RESULTS,
                label=_("技能竞赛成绩"),
                dataset=COMPETITION_DATASET,
                importer=CompetitionResultImporter.from_context,
                template=competition_template,
                template_filename=competition_template_filename,
            )
        )

        from training.views import LEARNING_RECORD_PANEL, learning_record_panel
        from training.workbook import learning_record_tables
        from workers.panels import register_panel

        # The 学习档案 on the worker page and in its download; honours (issue 14) register a
        # panel of their own after it (order > 20) with their sheet.
        register_panel(
            LEARNING_RECORD_PANEL,
            template="training/learning_record_panel.html",
            context=learning_record_panel,
            order=20,
            sheets=lambda context: learning_record_tables(context["record"]),
        )
