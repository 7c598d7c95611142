from honors.importer import HONOURS
from imports.command import ImportCommand


class Command(ImportCommand):
    help = (
        "导入荣誉（劳动模范、嵊州工匠、杰出工匠、优秀职工授予个人，按身份证号；"
        "工人先锋号、优秀班组授予集体，按统一社会信用代码和集体名称）。"
        "荣誉名称 + 级别 + 年度 + 获奖人或集体相同的重复导入更新授予单位和文号，"
        "不删除未列出的荣誉。"
    )
    kind = HONOURS
