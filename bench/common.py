"""What every benchmark shares: Django set up, a throwaway database, peak memory."""

import contextlib
import os
import resource
import secrets
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianzhou_reform.settings")
# Production settings (DEBUG off: no query log growing with the run) with throwaway secrets:
# each benchmark works in its own test database, encrypted with a key used once.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("PERSONAL_DATA_KEY", secrets.token_urlsafe(48))

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextlib.contextmanager
def throwaway_database() -> Iterator[str]:
    """A test database (test_<name>) and a temporary media folder, both gone afterwards."""
    old = setup_databases(verbosity=0, interactive=False)
    try:
        print("database: %s" % connection.vendor, flush=True)
        with tempfile.TemporaryDirectory() as folder:
            settings.MEDIA_ROOT = folder
            yield folder
    finally:
        teardown_databases(old, verbosity=0)
