from collections.abc import Callable

from django.http import HttpRequest

from core.home import request_unread_count
from core.roles import Role, has_role, is_sub_district_staff


def roles(request: HttpRequest) -> dict[str, bool]:
    user = request.user
    return {
        "is_sub_district_staff": is_sub_district_staff(user),
        "is_hr": has_role(user, Role.HR),
        "is_union_officer": has_role(user, Role.UNION_OFFICER),
        "is_official": has_role(user, Role.OFFICIAL),
        "is_worklist_reporter": has_role(user, Role.WORKLIST),
    }


def notices(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """The navbar's unread badge. A template calls `unread_count` only where it shows it, so a
    page without the navbar (the admin, downloads) pays no query; a page showing it twice
    counts once."""
    return {"unread_count": lambda: request_unread_count(request)}
