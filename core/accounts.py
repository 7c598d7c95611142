"""Login protection shared by the site's login page and the admin's: which address a request
comes from, and what a locked-out client is told (django-axes calls both, see settings)."""

import ipaddress
import math
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for login throttling.

    X-Forwarded-For is believed only as far as AXES_IPWARE_PROXY_COUNT trusted proxies vouch
    for it: each proxy appends the address it saw, so with N proxies the client is the N-th
    entry from the right and anything to its left is whatever the client chose to send. With
    no proxy configured (0, the default) the header is ignored and REMOTE_ADDR is the client,
    so a forged header can neither lock someone else out nor dodge a lock.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    hops = [
        hop.strip()
        for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if hop.strip()
    ]
    if len(hops) < count:  # not through the whole proxy chain: only the peer is known
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The page a locked-out login gets, on the site's login and the admin's alike."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    return render(
        request,
        "registration/login_locked.html",
        {"minutes": minutes},
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )


def person_name(user: Any) -> str:
    """A user's name as Chinese readers write it: family name first, no space (张三, not
    "三 张"); the login name when no name is recorded."""
    if user is None:
        return ""
    last = (getattr(user, "last_name", "") or "").strip()
    first = (getattr(user, "first_name", "") or "").strip()
    return (last + first) or str(getattr(user, "username", "") or "")
