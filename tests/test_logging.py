"""Demo output: no line printed twice, no sync-poll flood, no FAISS loader chatter."""

import logging

from adminduk.core.logfilters import QuietSyncPolls


def server_record(request_line: str, status: int) -> logging.LogRecord:
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s', (request_line, str(status), "297"), None)
    record.status_code = status
    return record


def test_successful_sync_polls_are_left_out_of_the_server_log():
    quiet = QuietSyncPolls()
    assert not quiet.filter(server_record("GET /api/sync/changes?since= HTTP/1.1", 200))
    assert quiet.filter(server_record("GET /api/sync/changes?since= HTTP/1.1", 503))  # failures stay
    assert quiet.filter(server_record("GET /penduduk/cari/ HTTP/1.1", 200))  # pages stay


def test_huey_lines_are_printed_once():
    """run_huey adds its own handler (stderr or --logfile) to the "huey" logger; the logger must
    not pass records on to the root's handler as well."""
    assert not logging.getLogger("huey").propagate


def test_faiss_loader_chatter_is_not_logged():
    assert not logging.getLogger("faiss.loader").isEnabledFor(logging.INFO)
