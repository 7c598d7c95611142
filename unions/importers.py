"""Union organisations (工会组织) as a data set of the import engine (INTERFACES.md).

One row is one union with the enterprises it covers now. Re-importing a union moves its coverage
to what the file lists: an enterprise no longer listed gets an end date, never deleted, so the
figures as of an earlier date stay what they were (DOMAIN.md: 工会组建率).
"""

import datetime
import re
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from core.identity import parse_uscc
from core.text import name_key
from enterprises.importers import ENTERPRISE_DATASET
from enterprises.models import Enterprise, Village
from imports.cells import normalise_text, parse_choice, parse_date, parse_text
from imports.engine import (
    Column,
    DataSet,
    ImportContext,
    Importer,
    ImportRefused,
    ParsedRow,
    Plan,
    Report,
    lookup_in_chunks,
)
from unions.models import UnionCoverage, UnionOrganisation

NAME = "工会名称"
KIND = "类型"
ENTERPRISES = "覆盖企业"
FOUNDED_ON = "成立日期"
CHAIR = "工会主席"
VILLAGE = "所属村（社区）"

_Kind = UnionOrganisation.Kind

# Exact spellings seen in district tables; anything else is read by its key words below.
UNION_KIND_ALIASES = {
    "单建": _Kind.SINGLE,
    "单独建": _Kind.SINGLE,
    "单独建会": _Kind.SINGLE,
    "独立建会": _Kind.SINGLE,
    "单独组建": _Kind.SINGLE,
    "企业单独建会": _Kind.SINGLE,
    "联合": _Kind.JOINT,
    "联建": _Kind.JOINT,
    "联合建会": _Kind.JOINT,
    "联合组建": _Kind.JOINT,
}
_JOINT_WORDS = ("联合", "联建")
_SINGLE_WORDS = ("单独", "单建", "独立")


def parse_union_kind(value: object) -> str:
    """单独建会 or 联合工会 in the spellings people use (联合工会（村居）, 园区联合工会, 单建…);
    a text that names both kinds or neither is refused, never guessed (INTERFACES.md)."""
    try:
        return parse_choice(value, choices=_Kind, aliases=UNION_KIND_ALIASES, label=KIND)
    except ValidationError as exc:
        text = normalise_text(value)
        joint = any(word in text for word in _JOINT_WORDS)
        single = any(word in text for word in _SINGLE_WORDS)
        if joint and not single:
            return _Kind.JOINT.value
        if single and not joint:
            return _Kind.SINGLE.value
        if joint and single:
            raise ValidationError(
                gettext(
                    "“类型”填写的“%(value)s”既像单独建会又像联合工会，"
                    "请只填“单独建会”或“联合工会”中的一个。"
                )
                % {"value": text},
                code="ambiguous_choice",
            ) from None
        raise exc from None


# normalise_text has already turned newlines and runs of spaces into one space; the full-width
# comma and semicolon and 、 are kept by it, so they are listed here.
_CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")


def parse_enterprise_codes(value: object) -> list[str]:
    """覆盖企业: USCCs split by newline, comma, 、, ；or spaces (INTERFACES.md), each checked,
    in file order, a repeated code kept once. Every bad code is named in its own message."""
    if isinstance(value, int | float):
        parse_uscc(value)  # an Excel number cell: says to format the column as text
    pieces = [p for p in _CODE_SEPARATORS.split(normalise_text(value)) if p]
    if not pieces:
        raise ValidationError(
            gettext("请在“覆盖企业”中填写企业的统一社会信用代码，多家企业用顿号或换行分开。"),
            code="required",
        )
    codes: list[str] = []
    messages: list[str] = []
    for piece in pieces:
        try:
            code = parse_uscc(piece)
        except ValidationError as exc:
            messages.extend(
                gettext("覆盖企业中的“%(code)s”有误：%(reason)s")
                % {"code": piece, "reason": reason}
                for reason in exc.messages
            )
            continue
        if code not in codes:
            codes.append(code)
    if messages:
        raise ValidationError(messages)
    return codes


_REGISTER_VILLAGE = next(c for c in ENTERPRISE_DATASET.columns if c.name == VILLAGE)

UNIONS = "unions"

UNION_DATASET = DataSet(
    name="工会组织",
    sheet_name="工会组织",
    columns=(
        Column(
            NAME,
            partial(parse_text, max_length=200, label=NAME),
            required=True,
            variants=("工会组织名称", "基层工会名称", "工会全称"),
        ),
        Column(
            KIND,
            parse_union_kind,
            required=True,
            variants=("工会类型", "建会类型", "建会方式", "组建方式", "组建类型"),
        ),
        Column(
            ENTERPRISES,
            parse_enterprise_codes,
            required=True,
            variants=(
                "覆盖企业（统一社会信用代码）",
                "覆盖企业统一社会信用代码",
                "覆盖企业信用代码",
                "覆盖企业代码",
                "所覆盖企业",
                "覆盖单位",
            ),
        ),
        Column(
            FOUNDED_ON,
            partial(parse_date, label=FOUNDED_ON),
            variants=("建会日期", "建会时间", "成立时间"),
        ),
        Column(
            CHAIR,
            partial(parse_text, max_length=50, label=CHAIR),
            variants=("主席", "工会主席姓名"),
        ),
        Column(
            VILLAGE,
            partial(parse_text, max_length=100, label=VILLAGE),
            variants=_REGISTER_VILLAGE.variants,
        ),
    ),
)

# Optional columns → model fields; a column absent from the file leaves its field alone.
_OPTIONAL_FIELDS = {FOUNDED_ON: "founded_on", CHAIR: "chair", VILLAGE: "village_id"}
_LABELS = {"kind": KIND, "founded_on": FOUNDED_ON, "chair": CHAIR, "village_id": VILLAGE}
_STORED_FIELDS = ("pk", "name", "kind", "founded_on", "chair", "village_id")
_CHUNK = 5000


class UnionImporter(Importer):
    dataset = UNION_DATASET

    def __init__(self, *, user: Any = None):
        self.user = user if getattr(user, "pk", None) else None
        self.today = timezone.localdate()

    @classmethod
    def from_context(cls, context: ImportContext) -> "UnionImporter":
        return cls(user=context.actor)

    def check(self, rows: list[ParsedRow], report: Report) -> None:
        first_row: dict[str, int] = {}
        for row in rows:
            values = row.values
            key = name_key(values[NAME])
            if key in first_row:
                report.error(
                    row.row,
                    NAME,
                    gettext("工会名称与第%(first)s行重复，同一工会只能填一行。")
                    % {"first": first_row[key]},
                )
            else:
                first_row[key] = row.row
            codes = values[ENTERPRISES]
            if values[KIND] == _Kind.SINGLE and len(codes) != 1:
                report.error(
                    row.row,
                    ENTERPRISES,
                    gettext(
                        "单独建会的工会只覆盖本企业一家，现在填了%(count)s家。"
                        "如果覆盖多家企业，“类型”请填“联合工会”。"
                    )
                    % {"count": len(codes)},
                )
            founded_on = values.get(FOUNDED_ON)
            if founded_on is not None and founded_on > self.today:
                report.error(
                    row.row,
                    FOUNDED_ON,
                    gettext("成立日期%(date)s还没到，请填写工会实际成立的日期。")
                    % {"date": founded_on.isoformat()},
                )

        known = set(
            lookup_in_chunks(
                Enterprise.objects.order_by().values_list("uscc", flat=True),
                "uscc",
                {code for row in rows for code in row.values[ENTERPRISES]},
            )
        )
        for row in rows:
            for code in row.values[ENTERPRISES]:
                if code not in known:
                    report.error(
                        row.row,
                        ENTERPRISES,
                        gettext(
                            "覆盖企业“%(code)s”不在企业名录中。请核对代码，"
                            "或先把这家企业导入企业名录后再导入工会。"
                        )
                        % {"code": code},
                    )

        if VILLAGE in self.columns_present:
            villages = self._villages()
            for row in rows:
                name = row.values.get(VILLAGE)
                if name and name_key(name) not in villages:
                    report.error(
                        row.row,
                        VILLAGE,
                        gettext(
                            "村（社区）“%(name)s”不在名录中。请核对名称，"
                            "或先在企业名录中添加该村（社区）后再导入。"
                        )
                        % {"name": name},
                    )

    def lock(self) -> None:
        """Union imports one at a time: a second waits here until the first has committed, then
        plans against what the first wrote."""
        list(UnionOrganisation.objects.select_for_update().order_by("pk").values_list("pk"))

    @staticmethod
    def _villages() -> dict[str, tuple[int, str]]:
        """Village pk and stored name by canonical key: 城东社区(居委会) is 城东社区（居委会）."""
        villages = Village.objects.order_by().values_list("pk", "name")
        return {name_key(name): (pk, name) for pk, name in villages}

    def plan(self, rows: list[ParsedRow], report: Report) -> Plan:
        villages = self._villages() if VILLAGE in self.columns_present else {}
        codes = {code for row in rows for code in row.values[ENTERPRISES]}
        enterprise_pks = dict(
            lookup_in_chunks(Enterprise.objects.order_by().values_list("uscc", "pk"), "uscc", codes)
        )
        if len(enterprise_pks) != len(codes):
            # Checked a moment ago; only a register change in between gets here.
            raise ImportRefused(gettext("企业名录刚刚发生了变化，请重新导入这个文件。"))

        # A sub-district has a few hundred unions at most: all of them in one query, so that a
        # name spelled with other brackets or spaces finds the union it means.
        by_name: dict[str, dict[str, Any]] = {}
        by_key: dict[str, dict[str, Any]] = {}
        for union in UnionOrganisation.objects.order_by().values(*_STORED_FIELDS):
            by_name[union["name"]] = union
            by_key.setdefault(name_key(union["name"]), union)

        def stored(name: str) -> dict[str, Any] | None:
            return by_name.get(name) or by_key.get(name_key(name))

        matched = [u["pk"] for u in (stored(r.values[NAME]) for r in rows) if u is not None]
        open_coverage: dict[int, dict[str, int]] = {}
        for pk, union_id, uscc in lookup_in_chunks(
            UnionCoverage.objects.filter(end_date__isnull=True)
            .order_by()
            .values_list("pk", "union_id", "enterprise__uscc"),
            "union_id",
            matched,
        ):
            open_coverage.setdefault(union_id, {})[uscc] = pk
        village_names = {pk: name for pk, name in villages.values()}

        to_create: list[tuple[dict[str, Any], list[int], datetime.date]] = []
        to_update: list[tuple[int, dict[str, Any]]] = []
        to_cover: list[tuple[int, int]] = []
        to_end: list[int] = []
        changes: list[dict[str, Any]] = []
        unchanged = 0
        for row in rows:
            wanted = self._wanted_fields(row, villages)
            listed: list[str] = row.values[ENTERPRISES]
            current = stored(row.values[NAME])
            if current is None:
                # Figures are as of a date (DOMAIN.md), so a new union covers its enterprises
                # from the day it was founded; without a date, from today.
                start = wanted.get("founded_on") or self.today
                to_create.append(
                    (
                        {"name": row.values[NAME], **wanted},
                        [enterprise_pks[code] for code in listed],
                        start,
                    )
                )
                continue
            row_changes = {
                _LABELS[field]: [
                    self._shown(field, current[field], village_names),
                    self._shown(field, value, village_names),
                ]
                for field, value in wanted.items()
                if current[field] != value
            }
            if row_changes:
                # Whole rows, so every update writes the same columns in one statement.
                to_update.append((current["pk"], wanted))
            covered = open_coverage.get(current["pk"], {})
            added = [code for code in listed if code not in covered]
            removed = sorted(set(covered) - set(listed))
            if added or removed:
                row_changes[ENTERPRISES] = ["、".join(sorted(covered)), "、".join(listed)]
                to_cover.extend((current["pk"], enterprise_pks[code]) for code in added)
                to_end.extend(covered[code] for code in removed)
            if not row_changes:
                unchanged += 1
                continue
            changes.append(
                {
                    "row": row.row,
                    "name": current["name"],
                    "changes": row_changes,
                    "added": added,
                    "removed": removed,
                }
            )

        return Plan(
            counts={"created": len(to_create), "updated": len(changes), "unchanged": unchanged},
            data={"create": to_create, "update": to_update, "cover": to_cover, "end": to_end},
            details={"updated": changes},
        )

    def _wanted_fields(
        self, row: ParsedRow, villages: dict[str, tuple[int, str]]
    ) -> dict[str, Any]:
        """Field values from the row, for the columns the file has; a blank cell clears."""
        values = row.values
        wanted: dict[str, Any] = {"kind": values[KIND]}
        if FOUNDED_ON in self.columns_present:
            wanted["founded_on"] = values.get(FOUNDED_ON)
        if CHAIR in self.columns_present:
            wanted["chair"] = values.get(CHAIR) or ""
        if VILLAGE in self.columns_present:
            name = values.get(VILLAGE)
            if name and name_key(name) not in villages:
                # Checked a moment ago; only a register change in between gets here.
                raise ImportRefused(gettext("企业名录刚刚发生了变化，请重新导入这个文件。"))
            wanted["village_id"] = villages[name_key(name)][0] if name else None
        return wanted

    @staticmethod
    def _shown(field: str, value: Any, village_names: dict[int, str]) -> str:
        if value is None:
            return ""
        if field == "kind":
            return str(_Kind(value).label)
        if field == "village_id":
            return village_names.get(value, "")
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)

    def apply(self, plan: Plan) -> None:
        now = timezone.now()
        data = plan.data
        created = UnionOrganisation.objects.bulk_create(
            [UnionOrganisation(**fields) for fields, _pks, _start in data["create"]],
            batch_size=1000,
        )
        coverages = [
            UnionCoverage(
                union_id=union.pk,
                enterprise_id=enterprise_pk,
                start_date=start,
                created_by=self.user,
            )
            for union, (_fields, pks, start) in zip(created, data["create"], strict=True)
            for enterprise_pk in pks
        ]

        objects = []
        changed_fields: set[str] = set()
        for pk, fields in data["update"]:
            union = UnionOrganisation(pk=pk, updated_at=now, **fields)
            changed_fields.update(fields)
            objects.append(union)
        if objects:
            UnionOrganisation.objects.bulk_update(
                objects, sorted(changed_fields | {"updated_at"}), batch_size=1000
            )

        ending = data["end"]
        for start in range(0, len(ending), _CHUNK):
            chunk = UnionCoverage.objects.filter(pk__in=ending[start : start + _CHUNK])
            chunk.filter(start_date__lte=self.today).update(end_date=self.today, updated_at=now)
            # A coverage entered in the admin to start later ends before it began: kept, never
            # in force (the end date may not precede the start).
            chunk.filter(start_date__gt=self.today).update(end_date=F("start_date"), updated_at=now)
        coverages.extend(
            UnionCoverage(
                union_id=union_pk,
                enterprise_id=enterprise_pk,
                start_date=self.today,
                created_by=self.user,
            )
            for union_pk, enterprise_pk in data["cover"]
        )
        UnionCoverage.objects.bulk_create(coverages, batch_size=1000)
