from imports.command import ImportCommand
from training.record_importer import TRAINING_RECORDS


class Command(ImportCommand):
    help = (
        "导入职工培训记录（身份证号 + 培训项目 + 开始日期，重复导入更新原记录，"
        "文件中没有的记录不删除）。"
    )
    kind = TRAINING_RECORDS
