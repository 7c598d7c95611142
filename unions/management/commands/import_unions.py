from imports.command import ImportCommand
from unions.importers import UNIONS


class Command(ImportCommand):
    help = "导入工会组织（工会名称、类型、覆盖企业的统一社会信用代码等）。"
    kind = UNIONS
