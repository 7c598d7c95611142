"""No personal data in logs (issue 12): a query string may carry an ID number (the admin
search is a GET), so request lines are logged with their path only."""

import logging
import re

_QUERY = re.compile(r"\?[^\s\"]*")


def without_query(text: str) -> str:
    return _QUERY.sub("?…", text)


class DropQueryStrings(logging.Filter):
    """For django.server (runserver) and any handler that logs request lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = without_query(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(without_query(a) if isinstance(a, str) else a for a in record.args)
        return True
