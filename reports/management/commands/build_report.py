import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from reports.selectors import FIGURE_LABELS, quarter_report
from reports.services import report_docx_for, report_file_for, report_period_open


class Command(BaseCommand):
    help = "计算某季度的改革进展指标（DOMAIN.md 的报表指标）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quarter", required=True, help="例如 2026Q4")
        parser.add_argument("--output", help="同时写出该季度的进展报告 .xlsx")
        parser.add_argument(
            "--docx", help="同时写出该季度的工作进展情况 Word 文档 .docx（含已发布的进展情况）"
        )
        parser.add_argument("--json", action="store_true", help="在标准输出打印一个 JSON 对象")

    def _write(self, path: str, data: bytes) -> None:
        try:
            Path(path).write_bytes(data)
        except OSError as exc:
            raise CommandError(
                gettext("无法写入 %(path)s：%(error)s") % {"path": path, "error": exc.strerror},
                returncode=2,
            ) from exc
        self.stderr.write(gettext("已写出 %(path)s") % {"path": path})

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            # The one rule of the services: a quarter that has not started is refused (exit 2).
            period = report_period_open(kind="quarterly", period=options["quarter"])
            report = quarter_report(str(period))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=2) from exc
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if options["output"]:
            _snapshot, content = report_file_for(kind="quarterly", period=report["quarter"])
            try:
                Path(options["output"]).write_bytes(content)
            except OSError as exc:
                raise CommandError(
                    gettext("无法写入 %(path)s：%(error)s")
                    % {"path": options["output"], "error": exc.strerror},
                    returncode=2,
                ) from exc
            self.stderr.write(gettext("已写出 %(path)s") % {"path": options["output"]})
        if options["docx"]:
            self._write(options["docx"], report_docx_for(period=period, kpis=report["kpis"]))
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        self.stdout.write(
            gettext("%(quarter)s 截至 %(as_of)s")
            % {"quarter": report["quarter"], "as_of": report["as_of"]}
        )
        for key, value in report["kpis"].items():
            shown = "—" if value is None else value
            self.stdout.write("%s（%s）：%s" % (FIGURE_LABELS[key], key, shown))
