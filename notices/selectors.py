"""Reads of 通知公告: which notices a user sees, what is unread, and who has read one (issue 16).

HR see the published notices addressed to any of their enterprises; union officers all
published ones; staff every notice, drafts too; officials none (DOMAIN.md: reports and
aggregate figures only). Only HR reading a notice counts as its enterprise reading it.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from core.roles import Role, has_role, is_sub_district_staff
from enterprises.models import Enterprise
from notices.models import Notice, NoticeAttachment, NoticeReceipt


def reads_as_enterprise(user: Any) -> bool:
    """HR read notices for their enterprises; staff (even with an HR role) read as the
    sub-district, whose opening of a notice is no receipt."""
    return has_role(user, Role.HR) and not is_sub_district_staff(user)


def _hr_enterprises(user: Any) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(hr_users=user)


def addressed_to(enterprises: QuerySet[Enterprise]) -> Q:
    """Notices addressed to any of `enterprises`: to all, to the village or park of one of
    them, or naming one of them."""
    chosen = Notice.enterprises.through.objects.filter(
        notice=OuterRef("pk"), enterprise__in=enterprises
    )
    return (
        # "All enterprises" is none of an HR user's business until they have one.
        Q(Exists(enterprises), audience=Notice.Audience.ALL)
        | Q(audience=Notice.Audience.VILLAGE, village__in=enterprises.values("village"))
        | Q(audience=Notice.Audience.PARK, park__in=enterprises.values("park"))
        | Q(Exists(chosen), audience=Notice.Audience.CHOSEN)
    )


def notices_visible_to(user: Any) -> QuerySet[Notice]:
    """The notices `user` may open, newest first, each with `is_read` (HR: this user has a
    receipt; everybody else: True, as nothing they open is counted)."""
    queryset = Notice.objects.select_related("created_by", "village", "park").order_by(
        "-published_at", "-created_at", "-id"
    )
    if is_sub_district_staff(user):
        return queryset.annotate(is_read=Value(True, output_field=BooleanField()))
    published = queryset.filter(published_at__isnull=False)
    if has_role(user, Role.HR):
        return published.filter(addressed_to(_hr_enterprises(user))).annotate(
            is_read=Exists(NoticeReceipt.objects.filter(notice=OuterRef("pk"), user=user))
        )
    if has_role(user, Role.UNION_OFFICER):
        return published.annotate(is_read=Value(True, output_field=BooleanField()))
    return queryset.none()


def notice_visible(user: Any, pk: int) -> Notice | None:
    """One notice through the same scope as the list: not visible is not found."""
    return notices_visible_to(user).filter(pk=pk).first()


def notice_unread_count(user: Any) -> int:
    """Published notices addressed to the HR user's enterprises that they have not opened
    (one query; 0 for every other role)."""
    if not getattr(user, "is_authenticated", False) or not reads_as_enterprise(user):
        return 0
    return (
        Notice.objects.filter(published_at__isnull=False)
        .filter(addressed_to(_hr_enterprises(user)))
        .exclude(Exists(NoticeReceipt.objects.filter(notice=OuterRef("pk"), user=user)))
        .count()
    )


def notice_attachment_visible(user: Any, pk: int) -> NoticeAttachment | None:
    """An attachment of a notice the user may open (else None: 404)."""
    return (
        NoticeAttachment.objects.filter(pk=pk, notice__in=notices_visible_to(user).values("pk"))
        .select_related("notice")
        .first()
    )


def addressed_enterprises(notice: Notice) -> QuerySet[Enterprise]:
    """The enterprises `notice` is addressed to, by name."""
    queryset = Enterprise.objects.order_by("name", "pk")
    # A village or park left empty addresses nobody (never "the enterprises without a park").
    if notice.audience == Notice.Audience.VILLAGE:
        village = notice.village_id
        return queryset.filter(village_id=village) if village is not None else queryset.none()
    if notice.audience == Notice.Audience.PARK:
        park = notice.park_id
        return queryset.filter(park_id=park) if park is not None else queryset.none()
    if notice.audience == Notice.Audience.CHOSEN:
        return queryset.filter(
            pk__in=Notice.enterprises.through.objects.filter(notice=notice).values("enterprise")
        )
    return queryset


def reader_enterprise(user: Any, notice: Notice) -> Enterprise | None:
    """The enterprise an HR user reads `notice` for: the first of their enterprises it is
    addressed to (None: the notice is not addressed to them)."""
    return addressed_enterprises(notice).filter(hr_users=user).first()


def _count_of(queryset: QuerySet) -> Subquery:
    # COUNT as a plain function, not an aggregate: no GROUP BY, one row even for no rows.
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1],
        output_field=IntegerField(),
    )


def with_read_counts(queryset: QuerySet[Notice]) -> QuerySet[Notice]:
    """Each notice with `addressed_count` (enterprises it is addressed to) and `read_count`
    (of those, how many have a receipt): a fixed number of subqueries however many rows."""
    chosen = Notice.enterprises.through.objects.filter(notice=OuterRef("pk"))
    addressed = Case(
        When(audience=Notice.Audience.ALL, then=_count_of(Enterprise.objects.all())),
        When(
            audience=Notice.Audience.VILLAGE,
            then=_count_of(Enterprise.objects.filter(village_id=OuterRef("village_id"))),
        ),
        When(
            audience=Notice.Audience.PARK,
            then=_count_of(Enterprise.objects.filter(park_id=OuterRef("park_id"))),
        ),
        When(audience=Notice.Audience.CHOSEN, then=_count_of(chosen)),
        default=Value(0),
        output_field=IntegerField(),
    )
    read = Subquery(
        NoticeReceipt.objects.filter(notice=OuterRef("pk"), enterprise__isnull=False)
        .order_by()
        .annotate(
            n=Func(F("enterprise"), function="COUNT", template="COUNT(DISTINCT %(expressions)s)")
        )
        .values("n")[:1],
        output_field=IntegerField(),
    )
    return queryset.annotate(
        addressed_count=Coalesce(addressed, Value(0)), read_count=Coalesce(read, Value(0))
    )


@dataclass(frozen=True)
class ReceiptRow:
    """One addressed enterprise: who of its HR read the notice and when (none: unread)."""

    enterprise: Enterprise
    receipts: list[NoticeReceipt]

    @property
    def read_at(self) -> datetime.datetime | None:
        return self.receipts[0].read_at if self.receipts else None


def notice_receipts(notice: Notice) -> list[ReceiptRow]:
    """Every addressed enterprise with its receipts, the unread ones first (two queries)."""
    by_enterprise: dict[int, list[NoticeReceipt]] = {}
    for receipt in NoticeReceipt.objects.filter(notice=notice).select_related("user"):
        if receipt.enterprise_id is not None:
            by_enterprise.setdefault(receipt.enterprise_id, []).append(receipt)
    rows = [
        ReceiptRow(enterprise, by_enterprise.get(enterprise.pk, []))
        for enterprise in addressed_enterprises(notice)
    ]
    return sorted(rows, key=lambda row: row.read_at is not None)
