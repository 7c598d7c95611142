from imports.command import ImportCommand
from training.importers import TRAINING_FUNDS


class Command(ImportCommand):
    help = "导入教育培训经费申报（统一社会信用代码 + 年度，重复导入更新原申报并保留历史版本）。"
    kind = TRAINING_FUNDS
