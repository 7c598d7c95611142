"""The city's "六个有" standard as the default list of criteria; staff edit it afterwards."""

from django.db import migrations

SIX_CRITERIA = (
    ("有组织机构", "设有培训工作的领导和管理机构"),
    ("有固定场所", "有固定的教学培训场所和设施"),
    ("有师资队伍", "有专兼职相结合的师资队伍"),
    ("有培训计划", "有年度培训计划并组织实施"),
    ("有经费保障", "有稳定的培训经费来源"),
    ("有管理制度", "有培训管理和考核制度"),
)


def add_criteria(apps, schema_editor):
    criterion = apps.get_model("training", "InstituteCriterion")
    for order, (name, description) in enumerate(SIX_CRITERIA, start=1):
        # get_or_create: a list staff already edited is kept as it is.
        criterion.objects.get_or_create(
            name=name, defaults={"description": description, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0002_skills_and_learning")]

    operations = [migrations.RunPython(add_criteria, migrations.RunPython.noop)]
