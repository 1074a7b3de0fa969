"""The till's HTTP client: one session with its bearer token; an unreachable or failing
server (connection error, timeout, 5xx) is `Offline` — bill offline; a 4xx problem is
`Refused` with the server's stable code."""

from __future__ import annotations

from typing import Any

import requests

from loyalty_gst.errors import LoyaltyGstError


class Offline(Exception):
    """The server could not be reached (or failed): bill offline."""


class Refused(LoyaltyGstError):
    """The server (or the offline rules) refused the sale; nothing was printed."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


class Client:
    def __init__(self, server: str, token: str, timeout: float) -> None:
        self.server = server.rstrip("/")
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.timeout = timeout

    def call(self, method: str, path: str, body: Any = None) -> Any:
        try:
            r = self.http.request(method, self.server + path, json=body, timeout=self.timeout)
        except requests.RequestException as exc:
            raise Offline(type(exc).__name__) from None
        if r.status_code >= 500:
            raise Offline(f"HTTP {r.status_code}")
        if r.status_code >= 400:
            try:
                p = r.json()
            except ValueError:
                p = {"code": "http_error", "detail": r.text[:200]}
            raise Refused(str(p.get("code", "error")), str(p.get("detail", "")))
        return r.json() if r.content else None

    def close(self) -> None:
        self.http.close()
