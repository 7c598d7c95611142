"""Fail closed on the wrong personal-data key (issue 12): checked at every start-up."""

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from core.crypto import key_check_values, key_matches
from core.models import PersonalDataKeyCheck


def personal_data_key_verify() -> None:
    """Raise ImproperlyConfigured when PERSONAL_DATA_KEY is not the key this database's
    personal data was written with. A database not migrated yet has nothing to check."""
    try:
        row = PersonalDataKeyCheck.objects.order_by("pk").first()
    except DatabaseError:
        return
    if row is None:
        digest, token = key_check_values()
        PersonalDataKeyCheck.objects.create(digest=digest, token=token)
        return
    if not key_matches(row.digest, row.token):
        raise ImproperlyConfigured(
            "PERSONAL_DATA_KEY does not match the key this database was encrypted with: "
            "refusing to start (personal data would be unreadable or written with the wrong key)."
        )
