from core.imports.command import ImportCommand
from core.imports.engine import ImportResult
from enterprises.services import enterprise_register_import


class Command(ImportCommand):
    help = "导入企业名录（统计部门的企业名录表格）。"

    def run(self, *, filename: str, content: bytes, dry_run: bool, options: dict) -> ImportResult:
        result, _record = enterprise_register_import(
            user=None, filename=filename, content=content, dry_run=dry_run, source="cli"
        )
        return result
