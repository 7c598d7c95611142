"""Settings for the test suite: the portal's own settings, read from the environment as in
production (DATABASE_URL, REDIS_URL), plus what only makes tests faster.

pytest reads this module (pyproject.toml); `tests/test_settings.py` still probes
`jianzhou_reform.settings` itself in fresh interpreters.
"""

import os

# The portal's settings fail closed (DEBUG is off unless the environment turns it on, and then
# SECRET_KEY is required); the suite runs as a development machine does, with `DEBUG=true`.
# pytest-django still runs each test with DEBUG=False.
os.environ.setdefault("DEBUG", "true")

from jianzhou_reform.settings import *  # noqa: F403

# UserFactory hashes a password for every user it makes, and the browser tests log in with it:
# the default PBKDF2 hasher spends a deliberate ~0.1 s on each hash and each check. No test is
# about the hasher's strength; MD5 must never hash a real password, so it lives only here.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A read replica alias in every run (issue 17), as Django's test mirror of the primary: the
# router (core.db_router) is in play on SQLite and PostgreSQL alike. tests/conftest.py keeps
# replica_reads() on the primary except in the tests that ask for the replica.
if "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
