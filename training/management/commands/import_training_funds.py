from core.imports.command import ImportCommand
from core.imports.engine import ImportResult
from training.services import fund_declarations_import


class Command(ImportCommand):
    help = "导入教育培训经费申报（统一社会信用代码 + 年度，重复导入更新原申报并保留历史版本）。"

    def run(self, *, filename: str, content: bytes, dry_run: bool, options: dict) -> ImportResult:
        result, _record = fund_declarations_import(
            user=None, filename=filename, content=content, dry_run=dry_run, source="cli"
        )
        return result
