from imports.command import ImportCommand
from training.competition_importer import COMPETITION_RESULTS


class Command(ImportCommand):
    help = (
        "导入技能竞赛成绩（竞赛名称 + 举办日期 + 身份证号，重复导入更新原成绩，"
        "不删除未列出的成绩）。"
    )
    kind = COMPETITION_RESULTS
