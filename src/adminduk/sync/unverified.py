"""Requests to the sync API that are refused before (or because) their signature verifies.

Nothing about such a request is stored: anyone can send them, so a row per request would let an
anonymous caller fill the database, and booking one on the station it claims would let them
blame any station. They are counted instead, in the web process's log, at most one line per
window: the first refusal of a window is logged with its code and address, and the next line
says how many more were refused meanwhile. A flood therefore costs a counter increment, not a
write; each web process keeps its own counter (a line per process and window at most).
"""

import logging
import threading
import time

logger = logging.getLogger("adminduk.sync.unverified")

WINDOW_SECONDS = 60.0


class RateLimitedCounter:
    def __init__(self, window: float = WINDOW_SECONDS, clock=time.monotonic, log=logger):
        self.window, self.clock, self.log = window, clock, log
        self.lock = threading.Lock()
        self.window_started: float | None = None
        self.counts: dict[str, int] = {}
        self.total = 0  # since the process started, for tests and a future metrics gauge

    def note(self, code: str, remote_address: str | None) -> None:
        now = self.clock()
        with self.lock:
            self.total += 1
            if self.window_started is not None and now - self.window_started < self.window:
                self.counts[code] = self.counts.get(code, 0) + 1
                return
            earlier = self.counts
            self.window_started, self.counts = now, {}
        if earlier:
            summary = ", ".join(f"{c}={n}" for c, n in sorted(earlier.items()))
            self.log.warning("sync: %d more unauthenticated requests refused in the last window (%s)", sum(earlier.values()), summary)
        self.log.warning(
            "sync: refused an unauthenticated request (%s) from %s; further ones are counted for %.0f s", code, remote_address or "?", self.window
        )


counter = RateLimitedCounter()
