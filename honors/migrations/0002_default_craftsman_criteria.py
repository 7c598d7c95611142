"""The issue's example criteria of the craftsman pool (工匠库) as defaults: 技师 or above, a
competition prize at 嵊州市级 or higher, a 嵊州工匠 or 杰出工匠 honour. Staff edit them afterwards."""

from django.db import migrations

DEFAULTS = (
    {"kind": "skill_level", "min_skill_level": "technician"},
    {"kind": "competition_prize", "min_award_level": "shengzhou"},
    {"kind": "honour", "honour_name": "craftsman"},
    {"kind": "honour", "honour_name": "outstanding_craftsman"},
)


def add_criteria(apps, schema_editor):
    criterion = apps.get_model("honors", "CraftsmanCriterion")
    if criterion.objects.exists():
        return  # a list staff already keep is left alone
    for fields in DEFAULTS:
        criterion.objects.create(**fields)


class Migration(migrations.Migration):
    dependencies = [("honors", "0001_honours")]

    operations = [migrations.RunPython(add_criteria, migrations.RunPython.noop)]
