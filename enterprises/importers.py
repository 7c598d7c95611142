"""The enterprise register (企业名录) as a data set of the import engine (INTERFACES.md)."""

from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from core.identity import parse_uscc
from core.text import name_key
from enterprises.models import Enterprise, IndustrialPark, Village
from imports.cells import parse_text, parse_yes_no
from imports.engine import (
    Column,
    DataSet,
    Importer,
    ParsedRow,
    Plan,
    Report,
    lookup_in_chunks,
)

USCC = "统一社会信用代码"
NAME = "企业名称"
VILLAGE = "所属村（社区）"
PARK = "所属工业园区"
ABOVE_SCALE = "是否规上企业"
INDUSTRY = "行业"
LEGAL_REPRESENTATIVE = "法定代表人"
PHONE = "联系电话"

ENTERPRISES = "enterprises"

ENTERPRISE_DATASET = DataSet(
    name="企业名录",
    sheet_name="企业名录",
    columns=(
        Column(USCC, parse_uscc, required=True, variants=("社会信用代码", "信用代码")),
        Column(
            NAME,
            partial(parse_text, max_length=200, label=NAME),
            required=True,
            variants=("单位名称", "企业全称"),
        ),
        Column(
            VILLAGE,
            partial(parse_text, max_length=100, label=VILLAGE),
            required=True,
            variants=("所属村居", "村（社区）", "所属村（居）", "村（居）", "所属村社区"),
        ),
        Column(
            PARK,
            partial(parse_text, max_length=100, label=PARK),
            variants=("工业园区", "所属园区"),
        ),
        Column(ABOVE_SCALE, parse_yes_no, required=True, variants=("规上企业", "是否规上")),
        Column(
            INDUSTRY,
            partial(parse_text, max_length=100, label=INDUSTRY),
            variants=("所属行业", "行业类别"),
        ),
        Column(
            LEGAL_REPRESENTATIVE,
            partial(parse_text, max_length=50, label=LEGAL_REPRESENTATIVE),
            variants=("法人代表", "法定代表人姓名"),
        ),
        Column(
            PHONE,
            partial(parse_text, max_length=30, label=PHONE),
            variants=("电话", "联系方式"),
        ),
    ),
)

# Which model field each optional column fills; a column absent from the file is left alone.
_SIMPLE_FIELDS = {
    NAME: "name",
    ABOVE_SCALE: "is_above_scale",
    INDUSTRY: "industry",
    LEGAL_REPRESENTATIVE: "legal_representative",
    PHONE: "phone",
}


# What the plan compares: the keys of `_wanted_fields`, read with one values_list query.
_STORED_FIELDS = {
    "uscc": "uscc",
    "village_name": "village__name",
    "park_name": "park__name",
    **{field_name: field_name for field_name in _SIMPLE_FIELDS.values()},
}


class EnterpriseImporter(Importer):
    dataset = ENTERPRISE_DATASET

    def check(self, rows: list[ParsedRow], report: Report) -> None:
        first_row: dict[str, int] = {}
        for row in rows:
            uscc = row.values[USCC]
            if uscc in first_row:
                report.error(
                    row.row,
                    USCC,
                    gettext("统一社会信用代码与第%(first)s行重复，同一企业只能填一行。")
                    % {"first": first_row[uscc]},
                )
            else:
                first_row[uscc] = row.row

    def plan(self, rows: list[ParsedRow], report: Report) -> Plan:
        # Plain tuples, not model instances: a register re-import compares thousands of rows.
        stored_rows = lookup_in_chunks(
            Enterprise.objects.values_list("pk", *_STORED_FIELDS.values()),
            "uscc",
            [r.values[USCC] for r in rows],
        )
        existing = {
            stored[1]: (stored[0], dict(zip(_STORED_FIELDS, stored[1:], strict=True)))
            for stored in stored_rows
        }
        villages = {v.name: v for v in Village.objects.all()}
        parks = {p.name: p for p in IndustrialPark.objects.all()}
        # "城东社区（居委会）" and "城东社区(居委会)" are one village: rows take the spelling the
        # register already has, or the first one in the file.
        village_names = {name_key(name): name for name in villages}
        park_names = {name_key(name): name for name in parks}
        for row in rows:
            row.values[VILLAGE] = village_names.setdefault(
                name_key(row.values[VILLAGE]), row.values[VILLAGE]
            )
            if row.values.get(PARK):
                row.values[PARK] = park_names.setdefault(
                    name_key(row.values[PARK]), row.values[PARK]
                )

        new_villages: dict[str, int] = {}
        new_parks: dict[str, int] = {}
        for row in rows:
            village = row.values[VILLAGE]
            if village not in villages and village not in new_villages:
                new_villages[village] = row.row
            park = row.values.get(PARK)
            if park and park not in parks and park not in new_parks:
                new_parks[park] = row.row
        for name, row_number in new_villages.items():
            report.warning(
                row_number,
                VILLAGE,
                gettext("村（社区）“%(name)s”不在名录中，将新建。如是笔误请改正后重新导入。")
                % {"name": name},
            )
        for name, row_number in new_parks.items():
            report.warning(
                row_number,
                PARK,
                gettext("工业园区“%(name)s”不在名录中，将新建。如是笔误请改正后重新导入。")
                % {"name": name},
            )

        to_create: list[dict[str, Any]] = []
        to_update: list[tuple[int, dict[str, Any]]] = []
        changes: list[dict[str, Any]] = []
        unchanged = 0
        for row in rows:
            wanted = self._wanted_fields(row)
            current = existing.get(row.values[USCC])
            if current is None:
                to_create.append(wanted)
                continue
            pk, stored = current
            diff = {}
            for field_name, value in wanted.items():
                old = stored[field_name]
                if old != value:
                    diff[field_name] = (old, value)
            if diff:
                to_update.append((pk, {k: v[1] for k, v in diff.items()}))
                changes.append(
                    {
                        "row": row.row,
                        "uscc": stored["uscc"],
                        "changes": {k: [str(v[0] or ""), str(v[1] or "")] for k, v in diff.items()},
                    }
                )
            else:
                unchanged += 1

        return Plan(
            counts={"created": len(to_create), "updated": len(to_update), "unchanged": unchanged},
            data={
                "create": to_create,
                "update": to_update,
                "new_villages": list(new_villages),
                "new_parks": list(new_parks),
            },
            details={"updated": changes},
        )

    def _wanted_fields(self, row: ParsedRow) -> dict[str, Any]:
        """Field values from the row, for the columns the file has. Names stand in for FKs."""
        values = row.values
        wanted: dict[str, Any] = {"uscc": values[USCC], "village_name": values[VILLAGE]}
        if PARK in self.columns_present:
            wanted["park_name"] = values.get(PARK) or None
        for column, field_name in _SIMPLE_FIELDS.items():
            if column in self.columns_present:
                value = values.get(column)
                wanted[field_name] = value if value is not None else ""
        return wanted

    def apply(self, plan: Plan) -> None:
        now = timezone.now()
        Village.objects.bulk_create([Village(name=n) for n in plan.data["new_villages"]])
        IndustrialPark.objects.bulk_create([IndustrialPark(name=n) for n in plan.data["new_parks"]])
        villages = {v.name: v for v in Village.objects.all()}
        parks = {p.name: p for p in IndustrialPark.objects.all()}

        def resolve(fields: dict[str, Any]) -> dict[str, Any]:
            resolved = dict(fields)
            if "village_name" in resolved:
                resolved["village"] = villages[resolved.pop("village_name")]
            if "park_name" in resolved:
                park_name = resolved.pop("park_name")
                resolved["park"] = parks[park_name] if park_name else None
            return resolved

        Enterprise.objects.bulk_create(
            [Enterprise(**resolve(fields)) for fields in plan.data["create"]], batch_size=1000
        )
        # Rows changed in different columns are written in separate groups: one bulk update
        # over the union of the columns would write each row's untouched columns as blanks.
        by_columns: dict[tuple[str, ...], list[Enterprise]] = {}
        for pk, fields in plan.data["update"]:
            enterprise = Enterprise(pk=pk, updated_at=now)
            resolved = resolve(fields)
            for name, value in resolved.items():
                setattr(enterprise, name, value)
            by_columns.setdefault(tuple(sorted(resolved)), []).append(enterprise)
        for columns, objects in by_columns.items():
            Enterprise.objects.bulk_update(objects, [*columns, "updated_at"], batch_size=1000)
