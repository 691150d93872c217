"""Logging filters named in settings.LOGGING."""

import logging


class QuietSyncPolls(logging.Filter):
    """Drop the development server's access lines for successful sync calls: a node asks the
    central for changes every few seconds, which buried every other line of the demo's output.
    A failed sync call (4xx, 5xx) is still logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is None or status >= 400:
            return True
        request_line = record.args[0] if isinstance(record.args, tuple) and record.args else ""
        return " /api/sync/" not in f" {request_line}"
