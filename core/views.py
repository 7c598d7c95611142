from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.roles import Role, has_role, is_sub_district_staff


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where its work is (DOMAIN.md: who uses it)."""
    user = request.user
    if is_sub_district_staff(user):
        return redirect("admin:index")
    if has_role(user, Role.HR):
        return redirect("workers:roster_home")
    if has_role(user, Role.UNION_OFFICER):
        return redirect("unions:dashboard")
    if has_role(user, Role.OFFICIAL):
        return redirect("reports:figures")
    if has_role(user, Role.WORKLIST):
        return redirect("worklist:list")
    return render(request, "core/no_role.html", status=403)
