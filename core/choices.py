"""Fixed choices of DOMAIN.md, shared by models, imports, templates and reports.

Values are stable English codes; labels are the Chinese words users see and type. The aliases
are the short forms INTERFACES.md promises to accept in uploaded spreadsheets.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class PoliticalStatus(models.TextChoices):
    PARTY_MEMBER = "party_member", _("中共党员")
    PROBATIONARY_MEMBER = "probationary_member", _("中共预备党员")
    LEAGUE_MEMBER = "league_member", _("共青团员")
    DEMOCRATIC_PARTY = "democratic_party", _("民主党派成员")
    NON_PARTY = "non_party", _("无党派人士")
    MASSES = "masses", _("群众")


# Counted as party members in the frontline party-member figure (DOMAIN.md).
PARTY_STATUSES = (PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY_MEMBER)

POLITICAL_STATUS_ALIASES = {
    "党员": PoliticalStatus.PARTY_MEMBER,
    "共产党员": PoliticalStatus.PARTY_MEMBER,
    "中国共产党党员": PoliticalStatus.PARTY_MEMBER,
    "预备党员": PoliticalStatus.PROBATIONARY_MEMBER,
    "团员": PoliticalStatus.LEAGUE_MEMBER,
    "共青团员": PoliticalStatus.LEAGUE_MEMBER,
    "民主党派": PoliticalStatus.DEMOCRATIC_PARTY,
    "无党派": PoliticalStatus.NON_PARTY,
}


class SkillLevel(models.TextChoices):
    """职业技能等级, lowest first. A worker with no level has an empty value."""

    APPRENTICE = "apprentice", _("学徒工")
    JUNIOR = "junior", _("初级工(五级)")
    INTERMEDIATE = "intermediate", _("中级工(四级)")
    SENIOR = "senior", _("高级工(三级)")
    TECHNICIAN = "technician", _("技师(二级)")
    SENIOR_TECHNICIAN = "senior_technician", _("高级技师(一级)")
    MASTER_TECHNICIAN = "master_technician", _("特级技师")
    CHIEF_TECHNICIAN = "chief_technician", _("首席技师")


# DOMAIN.md: 技能人才 = any level from 初级工 up; 高技能人才 = 高级工 and above.
SKILLED_LEVELS = (
    SkillLevel.JUNIOR,
    SkillLevel.INTERMEDIATE,
    SkillLevel.SENIOR,
    SkillLevel.TECHNICIAN,
    SkillLevel.SENIOR_TECHNICIAN,
    SkillLevel.MASTER_TECHNICIAN,
    SkillLevel.CHIEF_TECHNICIAN,
)
HIGH_SKILLED_LEVELS = SKILLED_LEVELS[2:]
TECHNICIAN_LEVELS = SKILLED_LEVELS[3:]

# Skill levels in order, lowest first, as integers: a certificate and the roster's level are
# compared by rank (DOMAIN.md: the effective level is the higher of the two). 0 is no level.
SKILL_LEVEL_RANK = {str(level.value): rank for rank, level in enumerate(SkillLevel, start=1)}
RANK_SKILL_LEVEL = {rank: level for level, rank in SKILL_LEVEL_RANK.items()}
SKILLED_RANK = SKILL_LEVEL_RANK[SkillLevel.JUNIOR]
HIGH_SKILLED_RANK = SKILL_LEVEL_RANK[SkillLevel.SENIOR]
TECHNICIAN_RANK = SKILL_LEVEL_RANK[SkillLevel.TECHNICIAN]


def higher_skill_level(*levels: str) -> str:
    """The highest of `levels` ("" is no level)."""
    best = max((SKILL_LEVEL_RANK.get(str(level), 0) for level in levels), default=0)
    return RANK_SKILL_LEVEL.get(best, "")


# Bare names and classic grades (INTERFACES.md): 初级工, 五级 … 一级.
SKILL_LEVEL_ALIASES = {
    "学徒": SkillLevel.APPRENTICE,
    "学徒工": SkillLevel.APPRENTICE,
    "初级工": SkillLevel.JUNIOR,
    "初级": SkillLevel.JUNIOR,
    "五级": SkillLevel.JUNIOR,
    "中级工": SkillLevel.INTERMEDIATE,
    "中级": SkillLevel.INTERMEDIATE,
    "四级": SkillLevel.INTERMEDIATE,
    "高级工": SkillLevel.SENIOR,
    "高级": SkillLevel.SENIOR,
    "三级": SkillLevel.SENIOR,
    "技师": SkillLevel.TECHNICIAN,
    "二级": SkillLevel.TECHNICIAN,
    "高级技师": SkillLevel.SENIOR_TECHNICIAN,
    "一级": SkillLevel.SENIOR_TECHNICIAN,
    "特级技师": SkillLevel.MASTER_TECHNICIAN,
    "首席技师": SkillLevel.CHIEF_TECHNICIAN,
}


class ContractType(models.TextChoices):
    FIXED_TERM = "fixed_term", _("固定期限")
    OPEN_ENDED = "open_ended", _("无固定期限")
    TASK_BASED = "task_based", _("以完成一定工作任务为期限")
    DISPATCHED = "dispatched", _("劳务派遣")
    PART_TIME = "part_time", _("非全日制")
    RETIREE_REHIRED = "retiree_rehired", _("退休返聘")


CONTRACT_TYPE_ALIASES = {
    "固定期限劳动合同": ContractType.FIXED_TERM,
    "固定": ContractType.FIXED_TERM,
    "无固定期限劳动合同": ContractType.OPEN_ENDED,
    "无固定": ContractType.OPEN_ENDED,
    "以完成一定工作任务为期限的劳动合同": ContractType.TASK_BASED,
    "派遣": ContractType.DISPATCHED,
    "非全日制用工": ContractType.PART_TIME,
    "返聘": ContractType.RETIREE_REHIRED,
}


class AwardLevel(models.TextChoices):
    """级别 of an honour or a competition (DOMAIN.md), highest first."""

    NATIONAL = "national", _("全国")
    PROVINCIAL = "provincial", _("省级")
    SHAOXING = "shaoxing", _("绍兴市级")
    SHENGZHOU = "shengzhou", _("嵊州市级")
    SUBDISTRICT = "subdistrict", _("街道级")


# DOMAIN.md's spellings. A bare 市级 is deliberately absent: it is ambiguous (绍兴 or 嵊州).
AWARD_LEVEL_ALIASES = {
    "国家级": AwardLevel.NATIONAL,
    "全国级": AwardLevel.NATIONAL,
    "浙江省": AwardLevel.PROVINCIAL,
    "浙江省级": AwardLevel.PROVINCIAL,
    "省": AwardLevel.PROVINCIAL,
    "绍兴市": AwardLevel.SHAOXING,
    "嵊州市": AwardLevel.SHENGZHOU,
    "县级": AwardLevel.SHENGZHOU,
    "剡湖街道": AwardLevel.SUBDISTRICT,
    "剡湖街道级": AwardLevel.SUBDISTRICT,
    "街道": AwardLevel.SUBDISTRICT,
}
AMBIGUOUS_AWARD_LEVELS = ("市级", "市")

# Stable contracts for technicians (seed measure 5, DOMAIN.md).
STABLE_CONTRACT_TYPES = (ContractType.FIXED_TERM, ContractType.OPEN_ENDED)
