from django.core.exceptions import ValidationError
from django.core.management.base import CommandParser
from django.utils.translation import gettext

from core.identity import parse_uscc
from enterprises.models import Enterprise
from imports.command import ImportCommand
from imports.engine import ImportResult, refusal_result
from imports.services import dataset_import
from workers.importers import ROSTER


class Command(ImportCommand):
    help = "导入某企业的职工花名册（该企业的全部在职职工）。"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--enterprise", required=True, help="企业的统一社会信用代码")
        parser.add_argument(
            "--confirm-departures",
            action="store_true",
            help="确认超过20%%在职职工离职的导入",
        )

    def run(self, *, filename: str, content: bytes, dry_run: bool, options: dict) -> ImportResult:
        try:
            enterprise = Enterprise.objects.get(uscc=parse_uscc(options["enterprise"]))
        except (ValidationError, Enterprise.DoesNotExist):  # a bad code is an unknown one too
            return refusal_result(
                gettext("企业名录中没有统一社会信用代码为“%(uscc)s”的企业，请先导入企业名录。")
                % {"uscc": options["enterprise"]},
                dry_run=dry_run,
            )
        result, _record = dataset_import(
            kind=ROSTER,
            user=None,
            enterprise=enterprise,
            filename=filename,
            content=content,
            dry_run=dry_run,
            confirm_departures=options["confirm_departures"],
            source="cli",
        )
        return result
