"""What each role's home page (/) lists, and the count beside the navbar's 通知 link.

core cannot import the apps above it (STYLE.md: layers), so each app says what it offers in
its AppConfig.ready with `register_home_section`, as the worker page's panels do
(workers.panels). A section's `items(user)` returns None for a user it is not for, else the
things that user can do there, each with a count of what is waiting (previews to confirm,
unread notices, overdue tasks, reports ready) when there is something to count.

`register_unread_counter` adds to the number shown beside 通知 in the navbar and on the home
page (unread 通知公告 and 整改通知 for HR): one small query per counter per page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HomeItem:
    """One thing a user can do: a link, what it is for, and what is waiting there."""

    title: str
    url: str
    description: str = ""
    count: int | None = None  # None: nothing to count here; 0: counted, nothing waiting
    count_label: str = ""  # what the count is, e.g. "待确认"
    urgent: bool = False  # the count needs the user's action (shown in red)


HomeItems = Callable[[Any], "list[HomeItem] | None"]


@dataclass(frozen=True)
class HomeSection:
    key: str
    title: str
    items: HomeItems
    order: int = 100


@dataclass(frozen=True)
class ShownSection:
    key: str
    title: str
    items: list[HomeItem]


_SECTIONS: dict[str, HomeSection] = {}
_UNREAD: dict[str, Callable[[Any], int]] = {}


def register_home_section(key: str, *, title: Any, items: HomeItems, order: int = 100) -> None:
    """Add a section to the home page. Registering a key again replaces it (ready() may run
    more than once in tests)."""
    _SECTIONS[key] = HomeSection(key, title, items, order)


def sections_for(user: Any) -> list[ShownSection]:
    """The sections `user` sees, in order; a section whose items are None or empty is left
    out."""
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        items = section.items(user)
        if items:
            shown.append(ShownSection(section.key, str(section.title), items))
    return shown


def register_unread_counter(key: str, counter: Callable[[Any], int]) -> None:
    """Add a kind of notice to the unread count (0 for a user it is not addressed to)."""
    _UNREAD[key] = counter


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return sum(counter(user) for counter in _UNREAD.values())


def request_unread_count(request: Any) -> int:
    """`unread_count` of the request's user, counted once per request (the navbar's badge and
    the home page share it)."""
    cached = getattr(request, "_unread_count", None)
    if cached is None:
        cached = unread_count(request.user)
        request._unread_count = cached
    return cached


def waiting_items(sections: list[ShownSection]) -> list[HomeItem]:
    """What needs the user now: the items with something waiting that they must act on,
    each once (two sections may link the same page)."""
    seen: set[str] = set()
    waiting = []
    for section in sections:
        for item in section.items:
            if item.urgent and item.count and item.url not in seen:
                seen.add(item.url)
                waiting.append(item)
    return waiting
