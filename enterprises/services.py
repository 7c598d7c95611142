"""Writes to the registers of villages/communities, industrial parks and enterprises (the admin's;
the statistics office's register arrives through `import_enterprises`)."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from core.services import record_delete, record_save
from enterprises.models import Enterprise, IndustrialPark, Village


def village_save(*, user: Any, village: Village) -> Village:
    record_save(actor=user, instance=village, action="enterprises.village.saved")
    return village


def village_delete(*, user: Any, village: Village) -> None:
    """Refused while an enterprise still belongs to it (every enterprise has a village)."""
    record_delete(actor=user, instance=village, action="enterprises.village.deleted")


def industrial_park_save(*, user: Any, park: IndustrialPark) -> IndustrialPark:
    record_save(actor=user, instance=park, action="enterprises.park.saved")
    return park


def industrial_park_delete(*, user: Any, park: IndustrialPark) -> None:
    record_delete(actor=user, instance=park, action="enterprises.park.deleted")


def enterprise_save(
    *,
    user: Any,
    enterprise: Enterprise,
    hr_users: Iterable[AbstractBaseUser] | None = None,
) -> Enterprise:
    """Add or change an enterprise and which HR accounts act for it (`None`: leave them)."""
    record_save(
        actor=user,
        instance=enterprise,
        action="enterprises.enterprise.saved",
        m2m=None if hr_users is None else {"hr_users": list(hr_users)},
    )
    return enterprise


def enterprise_delete(*, user: Any, enterprise: Enterprise) -> None:
    """Refused while workers, uploads or records still point at it."""
    record_delete(actor=user, instance=enterprise, action="enterprises.enterprise.deleted")
