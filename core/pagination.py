"""Paginators for lists that can grow past what is worth counting on every page view."""

from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most `cap` rows: an exact count below it, "more than `cap`" above.

    A staff user's list of every current employment in the sub-district is 100,000 rows
    (10,000,000 at province scale): Django's paginator counts them all on every page view,
    which costs more than the page itself. This one counts the first `cap` + 1 rows only (a
    `LIMIT` inside the count, without the list's ordering or annotations), so a list under the
    cap shows its exact count and a longer one shows "more than `cap`" and its first `cap`
    rows, `cap` / `per_page` pages; the user narrows it with the list's filters to see the
    rest. `counted` is the same rows without what only the page's rows need (annotations,
    ordering); by default the object list itself.
    """

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        cap: int,
        counted: QuerySet | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.counted = object_list if counted is None else counted

    @cached_property
    def counted_rows(self) -> int:
        """Rows found, at most cap + 1 (one more than the cap: there are more)."""
        return self.counted.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:  # type: ignore[override]  # a cached property, as Django's
        return min(self.counted_rows, self.cap)

    @property
    def cap_display(self) -> str:
        """The cap as a page shows it: 10,000."""
        return f"{self.cap:,}"

    @property
    def capped(self) -> bool:
        """More rows than the cap: the count shown is the cap, not the total."""
        return self.counted_rows > self.cap


class CountedPaginator(Paginator):
    """A paginator whose row count comes from `count_of()` (e.g. a count kept in a versioned
    cache, workers.figures.figures_cached) instead of a COUNT over the list on every view."""

    def __init__(
        self, object_list: Any, per_page: int, *, count_of: Callable[[], int], **kwargs: Any
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.count_of = count_of

    @cached_property
    def count(self) -> int:  # type: ignore[override]  # a cached property, as Django's
        return self.count_of()
