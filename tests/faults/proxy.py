"""Small TCP proxies for the two-process sync tests and bench/sync.py.

FaultProxy understands just enough HTTP/1.1 (request head + Content-Length body, response head +
Content-Length body) to misbehave per request: drop the connection halfway through a request
(the central sees a truncated body) or after the central answered (the acknowledgement is lost),
delay requests, and send duplicates of a request later on their own connection (so a stale copy
of a batch arrives after newer batches: duplication and reordering). Faults can be switched on
and off while it runs.

ThrottledProxy is byte-level: a token bucket per direction limits the link to `rate_bps`.
"""

import random
import socket
import threading
import time


def _read_until(sock: socket.socket, buffer: bytearray, marker: bytes) -> int:
    while True:
        index = buffer.find(marker)
        if index >= 0:
            return index
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buffer += chunk


def _read_exact(sock: socket.socket, buffer: bytearray, size: int) -> None:
    while len(buffer) < size:
        chunk = sock.recv(max(65536, size - len(buffer)))
        if not chunk:
            raise ConnectionError("closed")
        buffer += chunk


def read_message(sock: socket.socket, buffer: bytearray) -> bytes:
    """One HTTP message (head and Content-Length body) from `sock`; leftovers stay in `buffer`."""
    end = _read_until(sock, buffer, b"\r\n\r\n") + 4
    head = bytes(buffer[:end]).decode("latin-1")
    length = 0
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
        if name.strip().lower() == "transfer-encoding" and "chunked" in value.lower():
            raise ConnectionError("chunked bodies are not supported by this test proxy")
    _read_exact(sock, buffer, end + length)
    message = bytes(buffer[: end + length])
    del buffer[: end + length]
    return message


class _Server:
    def __init__(self, upstream: tuple[str, int], port: int = 0):
        self.upstream = upstream
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.closed = False
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def close(self):
        self.closed = True
        try:
            self.listener.close()
        except OSError:
            pass

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _connect(self) -> socket.socket:
        upstream = socket.create_connection(self.upstream, timeout=120)
        upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return upstream


class FaultProxy(_Server):
    def __init__(self, upstream, *, seed: int = 5, port: int = 0):
        super().__init__(upstream, port)
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.drop_request = 0.0  # cut the connection halfway through sending a request
        self.drop_response = 0.0  # let the central answer, then cut before the node hears it
        self.duplicate = 0.0  # replay the request later on another connection
        self.max_delay = 0.0  # seconds of random delay before forwarding
        self.counts = {"requests": 0, "dropped_requests": 0, "dropped_responses": 0, "duplicates": 0}
        self.forced: list[str] = []  # faults the next requests get for certain, in order

    def configure(self, **faults):
        with self.lock:
            for name, value in faults.items():
                if not hasattr(self, name):
                    raise AttributeError(name)
                setattr(self, name, value)

    def force(self, *names: str):
        with self.lock:
            self.forced.extend(names)

    def _roll(self, name: str) -> bool:
        with self.lock:
            if self.forced and self.forced[0] == name:
                self.forced.pop(0)
                return True
            return self.random.random() < getattr(self, name)

    def _count(self, name: str):
        with self.lock:
            self.counts[name] += 1

    def _serve(self, client: socket.socket):
        upstream = None
        buffer = bytearray()
        try:
            while True:
                request = read_message(client, buffer)
                self._count("requests")
                if self.max_delay:
                    time.sleep(self.random.uniform(0, self.max_delay))
                if self._roll("duplicate"):
                    self._count("duplicates")
                    threading.Thread(target=self._replay, args=(request, self.random.uniform(0.05, 1.5)), daemon=True).start()
                if upstream is None:
                    upstream = self._connect()
                if self._roll("drop_request"):
                    self._count("dropped_requests")
                    upstream.sendall(request[: max(1, len(request) // 2)])
                    return
                upstream.sendall(request)
                response = read_message(upstream, bytearray())
                if self._roll("drop_response"):
                    self._count("dropped_responses")
                    client.sendall(response[: len(response) // 3])
                    return
                client.sendall(response)
        except (ConnectionError, OSError):
            return
        finally:
            for sock in (client, upstream):
                if sock is not None:
                    try:
                        sock.close()
                    except OSError:
                        pass

    def _replay(self, request: bytes, delay: float):
        time.sleep(delay)
        try:
            with self._connect() as upstream:
                upstream.sendall(request)
                read_message(upstream, bytearray())
        except (ConnectionError, OSError):
            pass


class ThrottledProxy(_Server):
    """Limits each direction to `rate_bps` bits per second with a token bucket (small burst)."""

    def __init__(self, upstream, *, rate_bps: float, port: int = 0):
        super().__init__(upstream, port)
        self.rate = rate_bps / 8.0  # bytes per second
        self.burst = max(1500, int(self.rate / 50))  # 20 ms worth of bytes

    def _serve(self, client: socket.socket):
        try:
            upstream = self._connect()
        except OSError:
            client.close()
            return
        for source, target in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket):
        tokens, last = float(self.burst), time.monotonic()
        try:
            while True:
                chunk = source.recv(self.burst)
                if not chunk:
                    break
                view = memoryview(chunk)
                while view:
                    now = time.monotonic()
                    tokens = min(self.burst, tokens + (now - last) * self.rate)
                    last = now
                    if tokens < 1:
                        time.sleep((1 - tokens) / self.rate)
                        continue
                    size = min(len(view), int(tokens))
                    target.sendall(view[:size])
                    view = view[size:]
                    tokens -= size
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                try:
                    sock.close()
                except OSError:
                    pass
