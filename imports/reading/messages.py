"""What a user is told when a file is refused, and the exception that carries it.

Every message is a Chinese sentence saying what is wrong and how to fix it. They are lazy
translations, looked up in the active language when a refusal is raised; the ones naming a sheet
or a path are filled in with `%` and a dict (named placeholders, so a translation may reorder).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import Promise

MSG_TOO_BIG = _(
    "文件超过 20 MB，无法导入。请删除多余的工作表、图片或格式，或把数据拆分成几个文件分批上传。"
)
MSG_EMPTY = _("文件是空的（0 字节），请检查是否选错了文件。")
MSG_NOT_SPREADSHEET = _("该文件不是电子表格文件，请上传 .xlsx、.xls、.ods 或 .csv 文件。")
MSG_PDF = _("该文件是 PDF 文档，不是电子表格文件，请上传 .xlsx、.xls、.ods 或 .csv 文件。")
MSG_WORD = _("该文件是 Word 文档，不是电子表格文件，请上传 .xlsx、.xls、.ods 或 .csv 文件。")
MSG_HTML = _("该文件是网页格式（HTML），不是真正的 Excel 文件，请用 Excel 打开后另存为 .xlsx。")
MSG_XML2003 = _("该文件是 Excel 2003 XML 表格格式，请用 Excel 打开后另存为 .xlsx。")
MSG_MACRO = _("该工作簿包含宏，为安全起见不能导入。请在 Excel 中另存为不含宏的 .xlsx 后重新上传。")
MSG_XLSB = _("不支持 Excel 二进制工作簿（.xlsb），请用 Excel 打开后另存为 .xlsx。")
MSG_ENCRYPTED = _(
    "该文件设置了打开密码（已加密），无法读取。请在 Excel 中取消密码后另存为 .xlsx 再上传。"
)
MSG_BOMB = _(
    "该文件解压后体积异常巨大（可能是压缩炸弹或文件已损坏），无法导入。"
    "请把数据复制到新的工作簿，另存为 .xlsx 后再上传。"
)
MSG_ENTRIES = _(
    "该文件内部包含的部件过多，无法导入。请把数据复制到新的工作簿，另存为 .xlsx 后再上传。"
)
MSG_RANGE = _(
    "工作表“%(sheet)s”的使用范围异常（在很远的行或列中有内容），无法导入。"
    "请把数据复制到新的工作簿，另存为 .xlsx 后再上传。"
)
MSG_ROWS = _("工作表“%(sheet)s”的行数超过 200,000 行，无法导入，请拆分后分批上传。")
MSG_CSV_ROWS = _("文件的行数超过 200,000 行，无法导入，请拆分后分批上传。")
MSG_TEXT = _(
    "工作表“%(sheet)s”中的文字内容异常巨大，无法导入。"
    "请把数据复制到新的工作簿，另存为 .xlsx 后再上传。"
)
MSG_CELL_TEXT = _(
    "文件中有单元格的文字超过 32,767 个字符（Excel 单元格的上限），文件可能已损坏或被改动过，"
    "无法导入。请把数据复制到新的工作簿，另存为 .xlsx 后再上传。"
)
MSG_TOO_MUCH = _(
    "文件内容过多，无法处理。请拆分后分批上传，或把数据复制到新的工作簿，另存为 .xlsx 后再上传。"
)
MSG_UNREADABLE = _(
    "无法读取该文件，文件可能已损坏或格式不受支持。请用 Excel 打开后另存为 .xlsx 再上传。"
)
MSG_ENCODING = _(
    "无法识别该文本文件的文字编码。请另存为 UTF-8 编码的 CSV 文件，或另存为 .xlsx 后再上传。"
)
MSG_NO_VISIBLE = _("工作簿中没有可见的工作表（都被隐藏了），请取消隐藏要导入的工作表后再上传。")
MSG_NOT_FOUND = _("找不到文件：%(path)s")
# Sheet labels that go into the messages above when the sheet's own name is not known.
SOME_SHEET = _("（工作簿中的某个工作表）")
SHEET_NUMBER = _("第%(number)s个工作表")  # an .xls sheet whose name cannot be decoded


class UnusableFile(Exception):
    """File cannot be used at all.

    `.message` is a Chinese sentence telling the user what is wrong and how to fix it.
    """

    def __init__(self, message: str | Promise):
        # A lazy message becomes plain text here, in the language active when it is raised:
        # callers store `.message` (JSON on the import record) and compare it as a str.
        text = str(message)
        super().__init__(text)
        self.message = text
