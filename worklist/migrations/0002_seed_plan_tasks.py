"""The work list starts with the plan's eleven measures and three organisational items
(../shared/seed/reform-plan.txt, 三 and 四); staff add owners, deadlines and milestones."""

from django.db import migrations

TASKS = [
    ("1", "ideology", "创新党的建设工作", "在生产一线工人中发展党员，落实“三会一课”，创新开展主题党日活动，提高工人党员比例。"),
    ("2", "ideology", "加强思想政治引领", "理想信念教育、法治教育，提升职业道德，引导依法理性表达利益诉求。"),
    ("3", "ideology", "弘扬劳模工匠精神", "“中国梦·劳动美”主题教育，打造劳动模范、嵊州工匠、工人先锋号等优秀职工和班组。"),
    ("4", "skills", "深化技能培训", "企业职工学院培训与产业需求、职业标准、生产过程对接，推进校企合作。"),
    ("5", "skills", "倡导终身学习", "按“六个有”标准创办职工培训学院，培育高技能人才，鼓励培养技师并签订固定劳动合同。"),
    ("6", "skills", "创新网络平台", "建设工会会员管理服务平台，线上线下相衔接的技能培训机制。"),
    ("7", "skills", "示范人才引领", "劳动和技能竞赛、工匠库、基层劳模推评，鼓励创设劳模工匠创新工作室。"),
    ("8", "safeguards", "加强法治保障", "督促足额提取教育培训经费，加大劳动法律执法检查，推进民主管理和集体协商。"),
    ("9", "safeguards", "加强民主管理", "增加一线工人在党代会、人代会中的比例，群团挂兼职，成立村（居）联合工会，推动厂务公开和工资集体协商。"),
    ("10", "safeguards", "加强工会建设", "基层工会提质扩面，重点覆盖规上企业和工业园区，把产业工人吸引到工会中来。"),
    ("11", "safeguards", "加强投入力度", "督促企业按职工工资总额的8%足额提取教育培训经费，其中一线职工使用不低于60%。"),
    ("四-1", "organisation", "齐抓共管", "建立健全共同参与的工作格局，村居社区、站所和线办（中心）建立协调推进落实机制。"),
    ("四-2", "organisation", "细分重研", "制订具体实施方案，列出工作清单，明确时间表、路线图；建立信息反馈制度，定期分析研判，适时绩效评估。"),
    ("四-3", "organisation", "宣传推广", "宣传产业工人队伍建设改革的重大意义和典型事迹，营造良好社会环境。"),
]


def seed(apps, schema_editor):
    ReformTask = apps.get_model("worklist", "ReformTask")
    for order, (code, section, title, description) in enumerate(TASKS, start=1):
        ReformTask.objects.get_or_create(
            code=code,
            defaults={
                "section": section,
                "title": title,
                "description": description,
                "order": order,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("worklist", "ReformTask").objects.filter(
        code__in=[code for code, *_ in TASKS], feedback__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("worklist", "0001_work_list")]
    operations = [migrations.RunPython(seed, unseed)]
