from imports.command import ImportCommand
from workers.certificate_importer import CERTIFICATES


class Command(ImportCommand):
    help = "导入职业技能等级证书（以证书编号为准，重复导入更新原证书，不删除未列出的证书）。"
    kind = CERTIFICATES
