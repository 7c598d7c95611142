"""Training-fund declarations (教育培训经费) as a data set of the import engine (INTERFACES.md)."""

from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from core.identity import parse_uscc
from enterprises.models import Enterprise
from imports.cells import parse_amount
from imports.cells import parse_year as parse_cells_year
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
from training.models import FIRST_YEAR, FundDeclaration, FundDeclarationVersion

USCC = "统一社会信用代码"
YEAR = "年度"
PAYROLL = "职工工资总额"
EXTRACTED = "教育培训经费提取额"
SPENT = "教育培训经费使用额"
FRONTLINE = "其中一线职工使用额"


def parse_year(value: object) -> int:
    """年度 of a declaration: from FIRST_YEAR to this year (a declaration covers a year that has
    begun)."""
    return parse_cells_year(value, first_year=FIRST_YEAR)


TRAINING_FUNDS = "training_funds"
# The preview shows what this many rows will save; a file of the whole register has more.
ROWS_SHOWN = 500

TRAINING_FUND_DATASET = DataSet(
    name="教育培训经费",
    sheet_name="教育培训经费",
    columns=(
        Column(USCC, parse_uscc, required=True, variants=("社会信用代码", "信用代码")),
        Column(YEAR, parse_year, required=True, variants=("申报年度", "年份")),
        Column(
            PAYROLL,
            partial(parse_amount, label=PAYROLL),
            required=True,
            variants=("职工工资总额（元）", "工资总额", "工资总额（元）"),
        ),
        Column(
            EXTRACTED,
            partial(parse_amount, label=EXTRACTED),
            required=True,
            variants=("教育培训经费提取额（元）", "经费提取额", "提取额"),
        ),
        Column(
            SPENT,
            partial(parse_amount, label=SPENT),
            required=True,
            variants=("教育培训经费使用额（元）", "经费使用额", "使用额"),
        ),
        Column(
            FRONTLINE,
            partial(parse_amount, label=FRONTLINE),
            required=True,
            variants=("其中一线职工使用额（元）", "一线职工使用额", "其中：一线职工使用额"),
        ),
    ),
)

AMOUNT_FIELDS = {
    PAYROLL: "payroll",
    EXTRACTED: "extracted",
    SPENT: "spent",
    FRONTLINE: "frontline_spent",
}
_AMOUNT_LABELS = {field: column for column, field in AMOUNT_FIELDS.items()}


class TrainingFundImporter(Importer):
    """Declarations keyed by USCC + 年度. A changed declaration keeps its earlier version; an
    upload from an enterprise's own page may hold that enterprise's rows only."""

    dataset = TRAINING_FUND_DATASET

    def __init__(
        self,
        *,
        actor: Any = None,
        source: str = FundDeclaration.Source.COMMAND,
        enterprise: Enterprise | None = None,
    ):
        self.actor = actor if getattr(actor, "pk", None) else None
        self.source = source
        self.enterprise = enterprise

    @classmethod
    def from_context(cls, context: ImportContext) -> "TrainingFundImporter":
        """A command loads many enterprises' declarations; an upload from an enterprise's page
        (HR's or the admin's) holds that enterprise's rows only."""
        source = (
            FundDeclaration.Source.COMMAND
            if context.source == "cli"
            else FundDeclaration.Source.UPLOAD
        )
        return cls(actor=context.actor, source=source, enterprise=context.enterprise)

    def check(self, rows: list[ParsedRow], report: Report) -> None:
        first_row: dict[tuple[str, int], int] = {}
        for row in rows:
            values = row.values
            key = (values[USCC], values[YEAR])
            if key in first_row:
                report.error(
                    row.row,
                    YEAR,
                    gettext(
                        "这家企业%(year)s年度的申报与第%(first)s行重复，同一企业同一年度只能填一行。"
                    )
                    % {"year": values[YEAR], "first": first_row[key]},
                )
            else:
                first_row[key] = row.row
            if values[FRONTLINE] > values[SPENT]:
                report.error(
                    row.row,
                    FRONTLINE,
                    gettext(
                        "其中一线职工使用额%(frontline)s元大于教育培训经费使用额%(spent)s元，"
                        "一线使用额是使用额的一部分，请核对。"
                    )
                    % {"frontline": values[FRONTLINE], "spent": values[SPENT]},
                )
            if self.enterprise is not None and values[USCC] != self.enterprise.uscc:
                report.error(
                    row.row,
                    USCC,
                    gettext(
                        "统一社会信用代码%(code)s不是本企业（%(name)s）的，"
                        "在本页只能申报本企业的经费。"
                    )
                    % {"code": values[USCC], "name": self.enterprise.name},
                )
        if self.enterprise is not None:
            return
        known = set(
            lookup_in_chunks(
                Enterprise.objects.order_by().values_list("uscc", flat=True),
                "uscc",
                {row.values[USCC] for row in rows},
            )
        )
        for row in rows:
            if row.values[USCC] not in known:
                report.error(
                    row.row,
                    USCC,
                    gettext(
                        "统一社会信用代码%(code)s不在企业名录中。请核对代码，"
                        "或先把这家企业导入企业名录。"
                    )
                    % {"code": row.values[USCC]},
                )

    def lock(self) -> None:
        """Declarations of the file's enterprises one import at a time."""
        if self.enterprise is not None:
            Enterprise.objects.select_for_update().filter(pk=self.enterprise.pk).first()

    def plan(self, rows: list[ParsedRow], report: Report) -> Plan:
        found = list(
            lookup_in_chunks(
                Enterprise.objects.order_by().values_list("uscc", "pk", "name"),
                "uscc",
                {row.values[USCC] for row in rows},
            )
        )
        enterprise_pks = {uscc: pk for uscc, pk, _name in found}
        enterprise_names = {uscc: name for uscc, _pk, name in found}
        if len(enterprise_pks) != len({row.values[USCC] for row in rows}):
            raise ImportRefused(gettext("企业名录刚刚发生了变化，请重新导入这个文件。"))
        stored = {
            (d["enterprise_id"], d["year"]): d
            for d in lookup_in_chunks(
                FundDeclaration.objects.order_by().values(
                    "pk", "enterprise_id", "year", "version", *AMOUNT_FIELDS.values()
                ),
                "enterprise_id",
                set(enterprise_pks.values()),
            )
        }
        create, update, changes = [], [], []
        # What each row will save, for the preview to show with its rates and verdicts.
        shown: list[dict[str, Any]] = []
        unchanged = 0
        for row in rows:
            enterprise_id = enterprise_pks[row.values[USCC]]
            year = row.values[YEAR]
            amounts = {field: row.values[column] for column, field in AMOUNT_FIELDS.items()}
            current = stored.get((enterprise_id, year))
            if len(shown) < ROWS_SHOWN:
                shown.append(
                    {
                        "row": row.row,
                        "enterprise": enterprise_names[row.values[USCC]],
                        "year": year,
                        "change": "created" if current is None else "",
                        **{field: format(value, "f") for field, value in amounts.items()},
                    }
                )
            if current is None:
                create.append((enterprise_id, year, amounts))
                continue
            changed = {
                _AMOUNT_LABELS[field]: [format(current[field], "f"), format(value, "f")]
                for field, value in amounts.items()
                if current[field] != value
            }
            if not changed:
                unchanged += 1
                if shown and shown[-1]["row"] == row.row:
                    shown[-1]["change"] = "unchanged"
                continue
            if shown and shown[-1]["row"] == row.row:
                shown[-1]["change"] = "updated"
            update.append((current["pk"], current["version"] + 1, amounts))
            changes.append(
                {"row": row.row, "name": row.values[USCC], "year": year, "fields": changed}
            )
        return Plan(
            counts={"created": len(create), "updated": len(update), "unchanged": unchanged},
            data={"create": create, "update": update},
            details={
                "changes": changes[:500],
                "changes_total": len(changes),
                "rows": shown,
                "rows_total": len(rows),
            },
        )

    def apply(self, plan: Plan) -> None:
        now = timezone.now()
        created = FundDeclaration.objects.bulk_create(
            [
                FundDeclaration(
                    enterprise_id=enterprise_id,
                    year=year,
                    version=1,
                    source=self.source,
                    submitted_by=self.actor,
                    submitted_at=now,
                    **amounts,
                )
                for enterprise_id, year, amounts in plan.data["create"]
            ],
            batch_size=1000,
        )
        updated = [
            FundDeclaration(
                pk=pk,
                version=version,
                source=self.source,
                submitted_by=self.actor,
                submitted_at=now,
                **amounts,
            )
            for pk, version, amounts in plan.data["update"]
        ]
        FundDeclaration.objects.bulk_update(
            updated,
            [*AMOUNT_FIELDS.values(), "version", "source", "submitted_by", "submitted_at"],
            batch_size=1000,
        )
        FundDeclarationVersion.objects.bulk_create(
            [version_of(declaration) for declaration in [*created, *updated]], batch_size=1000
        )


def version_of(declaration: FundDeclaration) -> FundDeclarationVersion:
    return FundDeclarationVersion(
        declaration_id=declaration.pk,
        version=declaration.version,
        source=declaration.source,
        submitted_by=declaration.submitted_by,
        submitted_at=declaration.submitted_at,
        **{field: getattr(declaration, field) for field in AMOUNT_FIELDS.values()},
    )
