from core.imports.command import ImportCommand
from core.imports.engine import ImportResult
from unions.services import union_organisations_import


class Command(ImportCommand):
    help = "导入工会组织（工会名称、类型、覆盖企业的统一社会信用代码等）。"

    def run(self, *, filename: str, content: bytes, dry_run: bool, options: dict) -> ImportResult:
        result, _record = union_organisations_import(
            user=None, filename=filename, content=content, dry_run=dry_run, source="cli"
        )
        return result
