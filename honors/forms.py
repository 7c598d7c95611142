"""Forms of the honours pages: they check shape; honors.services checks the rules."""

# --- nomination rounds ------------------------------------------------------------------------

# --- the craftsman pool and innovation studios ------------------------------------------------
