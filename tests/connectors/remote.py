"""Another company's system (ERP, finance, CRM): a real HTTP server on a free localhost port.

It answers from a script: `fail_first` requests get 503, `status` is the
answer after that. A repeated Idempotency-Key gets the first answer again and
is not counted twice, as a well-behaved receiver would do.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class RemoteSystem:
    fail_first: int = 0
    status: int = 201
    answer: dict[str, Any] = field(default_factory=lambda: {"id": "PO-1"})
    requests: list[Received] = field(default_factory=list)
    by_key: Counter[str] = field(default_factory=Counter)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> RemoteSystem:
        system = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                system.requests.append(
                    Received(self.command, self.path, dict(self.headers.items()), body)
                )
                key = self.headers.get("Idempotency-Key", "")
                if system.fail_first > 0:
                    system.fail_first -= 1
                    self._reply(503, {"error": "down for maintenance"})
                    return
                if system.status < 300:
                    system.by_key[key] += 1
                self._reply(system.status, system.answer)

            def _reply(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
