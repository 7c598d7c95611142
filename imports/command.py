"""The shared shape of every `import_*` management command (INTERFACES.md)."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext

from imports.engine import ImportResult, refusal_result
from imports.reading import MAX_FILE_BYTES
from imports.services import dataset_import


class ImportCommand(BaseCommand):
    """A command for one registered data set: set `kind`; a data set that needs more than the
    file (the roster's enterprise) overrides `run`."""

    kind = ""
    # The system checks are for development (runserver, check, migrate run them): an import of
    # 10^5 rows should not spend a fifth of a second on them first.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="spreadsheet: .xlsx, .xls, .ods or .csv")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        parser.add_argument(
            "--json", action="store_true", help="print exactly one JSON object on stdout"
        )

    def run(self, *, filename: str, content: bytes, dry_run: bool, options: dict) -> ImportResult:
        result, _record = dataset_import(
            kind=self.kind,
            user=None,
            filename=filename,
            content=content,
            dry_run=dry_run,
            source="cli",
        )
        return result

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        dry_run = options["dry_run"]
        try:
            with path.open("rb") as handle:
                # One byte past the limit is enough for the reader to refuse an oversized file.
                content = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            result = refusal_result(
                gettext("无法打开文件：%(error)s") % {"error": exc.strerror}, dry_run=dry_run
            )
        else:
            result = self.run(filename=path.name, content=content, dry_run=dry_run, options=options)

        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self._print_human(result)
        if result.exit_code:
            sys.exit(result.exit_code)

    def _print_human(self, result: ImportResult) -> None:
        out = self.stdout if result.ok else self.stderr
        if result.sheet_name:
            self.stdout.write(gettext("读取工作表：%(sheet)s") % {"sheet": result.sheet_name})
        c = result.counts
        self.stdout.write(
            gettext(
                "数据行 %(rows)s：新增 %(created)s，更新 %(updated)s，未变 %(unchanged)s，"
                "离职 %(departed)s，跳过 %(skipped)s，错误 %(errors)s"
            )
            % c
        )
        for issue in result.errors:
            out.write(self._format_issue(gettext("错误"), issue))
        for issue in result.warnings:
            self.stderr.write(self._format_issue(gettext("提示"), issue))
        if result.applied:
            self.stdout.write(self.style.SUCCESS(gettext("已导入。")))
        elif result.ok:
            self.stdout.write(gettext("试运行：检查通过，未写入任何数据。"))
        else:
            out.write(self.style.ERROR(gettext("未导入：文件中的数据没有任何改动被保存。")))

    @staticmethod
    def _format_issue(kind: str, issue: Any) -> str:
        where = []
        if issue.row is not None:
            where.append(gettext("第%(row)s行") % {"row": issue.row})
        if issue.column:
            where.append("“%s”" % issue.column)
        return (
            "%s %s：%s" % (kind, " ".join(where), issue.message)
            if where
            else "%s：%s"
            % (
                kind,
                issue.message,
            )
        )
