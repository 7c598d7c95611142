from enterprises.importers import ENTERPRISES
from imports.command import ImportCommand


class Command(ImportCommand):
    help = "导入企业名录（统计部门的企业名录表格）。"
    kind = ENTERPRISES
