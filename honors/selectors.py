"""Reads of honours for the pages, the admin and the figures; each that returns workers takes
the requesting user."""

# --- the honour register ----------------------------------------------------------------------

# --- nomination rounds and eligibility --------------------------------------------------------

# --- the craftsman pool and innovation studios ------------------------------------------------
