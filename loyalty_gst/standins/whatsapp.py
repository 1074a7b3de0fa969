"""A stand-in for the WhatsApp Cloud API on loopback, for tests and the demo: it checks the
bearer token and the message shape as the Cloud API does, answers with a `wamid`, and keeps
the messages so a test can read the OTP a customer would have received. `fail_next` makes
it answer 503 (an outage) a number of times."""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class WhatsAppStandIn:
    def __init__(
        self, token: str = "test-token", phone_number_id: str = "1234567890", port: int = 0
    ) -> None:
        self.token = token
        self.phone_number_id = phone_number_id
        self.messages: list[dict[str, Any]] = []
        self.fail_next = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> WhatsAppStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def last_code(self, number: str) -> str | None:
        """The body parameter of the last template sent to `number` (E.164)."""
        want = number.lstrip("+")
        with self._lock:
            for m in reversed(self.messages):
                if m["to"] == want:
                    return str(m["template"]["components"][0]["parameters"][0]["text"])
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet: numbers must not be logged
                pass

            def _reply(self, code: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.headers.get("Authorization") != f"Bearer {outer.token}":
                    self._reply(
                        401,
                        {
                            "error": {
                                "message": "Invalid OAuth access token.",
                                "type": "OAuthException",
                                "code": 190,
                            }
                        },
                    )
                    return
                if not self.path.endswith(f"/{outer.phone_number_id}/messages"):
                    self._reply(404, {"error": {"message": "Unknown path", "code": 100}})
                    return
                with outer._lock:
                    if outer.fail_next > 0:
                        outer.fail_next -= 1
                        self._reply(503, {"error": {"message": "Service unavailable", "code": 2}})
                        return
                try:
                    msg = json.loads(raw)
                    assert msg["messaging_product"] == "whatsapp"
                    assert msg["to"].isdigit() and msg["type"] == "template"
                    assert msg["template"]["name"] and msg["template"]["language"]["code"]
                except (ValueError, KeyError, AssertionError, AttributeError):
                    self._reply(
                        400, {"error": {"message": "(#100) Invalid parameter", "code": 100}}
                    )
                    return
                with outer._lock:
                    outer.messages.append(msg)
                wamid = "wamid." + secrets.token_hex(12)
                self._reply(
                    200,
                    {
                        "messaging_product": "whatsapp",
                        "contacts": [{"input": msg["to"], "wa_id": msg["to"]}],
                        "messages": [{"id": wamid}],
                    },
                )

        return Handler
