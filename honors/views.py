"""Pages of honours: HR's nominations, staff's review of a round and its 公示 list, the craftsman
pool and the innovation studios. Thin: selectors read, services write."""

# --- nomination rounds ------------------------------------------------------------------------

# --- the craftsman pool and innovation studios ------------------------------------------------
