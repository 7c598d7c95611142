"""Chinese labels for the codes the audit logs store (AuditLog.action, object_type).

An action code is `<area>.<thing>.<verb>` ("import.roster.applied", "workers.transfer.pending")
or `<area>.<verb>` / `<area>.<thing>_<verb>` ("report.requested", "report.narrative_saved").
Its label is built from three small tables, so a new code of the same shape needs at most a new
word: 导入·花名册·已导入. The raw code stays stored and is shown beside the label for support.

tests/core/test_chinese.py collects every action code the portal's source writes and checks
each has a label here without Latin letters.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

SEPARATOR = "·"

# The first part of a code: the portal's area that wrote it.
AREAS = {
    "auth": _("账号"),
    "compliance": _("民主管理"),
    "enterprises": _("区域与企业"),
    "honors": _("劳模工匠"),
    "import": _("导入"),
    "notices": _("通知公告"),
    "party": _("党组织"),
    "report": _("改革报告"),
    "reports": _("改革报告"),
    "training": _("教育培训"),
    "union": _("工会"),
    "unions": _("工会"),
    "workers": _("产业工人"),
    "worklist": _("工作清单"),
}

# The middle part: what was acted on. Import kinds (imports.registry) are here by their key.
THINGS = {
    # Import kinds and the upload platform.
    "roster": _("花名册"),
    "enterprises": _("企业名录"),
    "unions": _("工会组织"),
    "training_funds": _("教育培训经费"),
    "training_records": _("培训记录"),
    "competition_results": _("技能竞赛成绩"),
    "certificates": _("职业技能等级证书"),
    "honours": _("荣誉"),
    "originals": _("原始文件"),
    "retention": _("原始文件保存期限"),
    # Accounts.
    "user": _("用户"),
    # Enterprises and workers.
    "village": _("村（社区）"),
    "park": _("工业园区"),
    "enterprise": _("企业"),
    "worker": _("职工"),
    "employment": _("任职记录"),
    "transfer": _("跨企业调动"),
    "certificate": _("职业技能等级证书"),
    # Unions and party.
    "membership": _("会员"),
    "organisation": _("工会组织"),
    "coverage": _("工会覆盖企业"),
    "branch": _("党组织"),
    "member": _("党员"),
    "activity": _("组织生活"),
    "representative": _("职工代表"),
    # Training.
    "declaration": _("经费申报"),
    "rule": _("经费规则"),
    "notice": _("通知"),
    "criterion": _("标准"),
    "institute": _("职工培训学院"),
    "institute_check": _("学院评分"),
    "cooperation": _("校企合作"),
    "course": _("培训项目"),
    "record": _("培训记录"),
    "competition": _("技能竞赛"),
    "competition_result": _("竞赛成绩"),
    # Honours.
    "honour": _("荣誉"),
    "round": _("推评活动"),
    "nomination": _("推荐"),
    "pool": _("工匠库"),
    "studio": _("创新工作室"),
    "studio_result": _("工作室成果"),
    # Democratic management and inspections.
    "congress_session": _("职代会"),
    "disclosure": _("厂务公开"),
    "wage_contract": _("工资集体协商"),
    "inspection": _("劳动监察"),
    # Work list.
    "feedback": _("信息反馈"),
    "attachment": _("附件"),
    "task": _("任务"),
    "milestone": _("时间节点"),
    "owner_unit": _("责任单位"),
    # Reports.
    "narrative": _("进展情况"),
    "target": _("目标值"),
    "baseline": _("基期"),
    "receipt": _("阅读回执"),
}

# The last part: what happened. Import statuses (ImportRecord.Status) and transfer statuses
# (workers.Transfer.Status) are here by their value.
VERBS = {
    "saved": _("保存"),
    "deleted": _("删除"),
    "created": _("登记"),
    "changed": _("修改"),
    "corrected": _("更正"),
    "submitted": _("提交"),
    "sent": _("发送"),
    "posted": _("提交"),
    "published": _("发布"),
    "read": _("已读"),
    "requested": _("申请生成"),
    "done": _("生成完成"),
    "groups_changed": _("角色变更"),
    "deactivated": _("停用"),
    "opened": _("发布"),
    "publicity_started": _("开始公示"),
    "approved": _("批准授予"),
    "withdrawn": _("撤回"),
    "accepted": _("审核通过"),
    "rejected": _("不通过"),
    "objected": _("异议成立"),
    "added": _("加入"),
    "removed": _("移出"),
    "purged": _("到期删除"),
    # Imports: the user's steps, then ImportRecord.Status.
    "uploaded": _("上传"),
    "confirmed": _("确认"),
    "retried": _("重试"),
    "discarded": _("放弃"),
    "pending": _("待处理"),
    "validating": _("校验中"),
    "validated": _("校验通过"),
    "applying": _("导入中"),
    "invalid": _("有错误未导入"),
    "refused": _("文件无法使用"),
    "applied": _("已导入"),
    "failed": _("处理失败"),
    "expired": _("预览过期"),
    "superseded": _("已被新上传取代"),
}

# Codes not of the dotted shape.
WHOLE = {
    "xlsx_export": _("导出电子表格"),
}


def _thing_and_verb(part: str) -> tuple[str, str] | None:
    """ "narrative_saved" → ("narrative", "saved"): the longest known verb at the end."""
    pieces = part.split("_")
    for cut in range(1, len(pieces)):
        thing, verb = "_".join(pieces[:cut]), "_".join(pieces[cut:])
        if thing in THINGS and verb in VERBS:
            return thing, verb
    return None


def action_words(code: str) -> list[str] | None:
    """The Chinese words of an action code, or None when a part has no label yet."""
    if code in WHOLE:
        return [str(WHOLE[code])]
    parts = code.split(".")
    if len(parts) == 3:
        area, thing, verb = parts
    elif len(parts) == 2:
        area, rest = parts
        if rest in VERBS:
            return [str(AREAS[area]), str(VERBS[rest])] if area in AREAS else None
        split = _thing_and_verb(rest)
        if split is None:
            return None
        thing, verb = split
    else:
        return None
    if area not in AREAS or thing not in THINGS or verb not in VERBS:
        return None
    return [str(AREAS[area]), str(THINGS[thing]), str(VERBS[verb])]


def action_label(code: str) -> str:
    """导入·花名册·已导入 for import.roster.applied; the code itself when it has no label."""
    words = action_words(code)
    return SEPARATOR.join(words) if words else code


def model_label(object_type: str) -> str:
    """The model's Chinese name for an `app_label.ModelName` the logs store ("imports.ImportRecord"
    → 导入记录). A model that has since moved app ("core.ImportRecord") is found by its name."""
    if not object_type:
        return ""
    app_label, _dot, model_name = object_type.partition(".")
    try:
        model = apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        name = (model_name or app_label).lower()
        matches = [m for m in apps.get_models() if m._meta.model_name == name]
        if len(matches) != 1:
            return object_type
        model = matches[0]
    return str(model._meta.verbose_name)
