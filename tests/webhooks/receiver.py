"""A real HTTP server on a free loopback port, in a thread: it records every request it gets and
answers 200, or an error status for the next N requests when told so."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[Received] = []
        self._failures = 0
        self._failure_status = 500
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/cqpm/hook"

    @property
    def requests(self) -> list[Received]:
        with self._lock:
            return list(self._requests)

    def fail_next(self, count: int, *, status: int = 500) -> None:
        with self._lock:
            self._failures, self._failure_status = count, status

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._failures = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def _answer(self, received: Received) -> int:
        with self._lock:
            self._requests.append(received)
            if self._failures > 0:
                self._failures -= 1
                return self._failure_status
            return 200

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = receiver._answer(Received(self.path, dict(self.headers.items()), body))
                answer = b'{"ok": true}' if status == 200 else b"erreur simulee " * 100
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args) -> None:  # quiet
                pass

        return Handler
