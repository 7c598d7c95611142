"""The honours registers in the admin; every write goes through honors.services."""

from django.contrib import admin  # noqa: F401

# --- the honour register ----------------------------------------------------------------------

# --- nomination rounds ------------------------------------------------------------------------

# --- the craftsman pool and innovation studios ------------------------------------------------
