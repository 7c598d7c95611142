"""Writes of honours (seed measures 3 and 7): the honour register, the nomination round with its
公示, the craftsman pool's manual changes and the innovation studios. Every write takes the acting
user, runs in one transaction and leaves an audit row (and a NominationStep for a round)."""

# --- the honour register ----------------------------------------------------------------------

# --- nomination rounds ------------------------------------------------------------------------

# --- the craftsman pool and innovation studios ------------------------------------------------
