"""A stand-in IRP for tests and the demo: a real HTTP server on 127.0.0.1 speaking NIC's API.

Same wire protocol as the NIC direct API (eivital v1.04 auth with RSA + AES-ECB session
key; eicore v1.03 generate, get by IRN, get by document, cancel), with NIC's response
envelope {Status, Data, ErrorDetails, InfoDtls}. Payloads are checked with our validator;
IRNs are SHA-256 of GSTIN + financial year + type + number; responses are signed as RS256
JWTs with a key and self-signed certificate made at start. Test hooks: an injectable
clock (cancel is refused after 24 hours, 2270), `fail_next` (HTTP 503 or a dropped
connection), required extra headers (GSP mode), and a log of the requests received.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from einvoice import crypto
from einvoice.codes import message
from einvoice.schema import dumps, loads
from einvoice.validator import Settings, parse, validate
from loyalty_gst.standins.irp_numbers import ack_number, irn_of

AUTH = "/eivital/v1.04/auth"
INVOICE = "/eicore/v1.03/Invoice"
CANCEL = "/eicore/v1.03/Invoice/Cancel"
BY_IRN = "/eicore/v1.03/Invoice/irn/"
BY_DOC = "/eicore/v1.03/Invoice/irnbydocdetails"
STAMP = "%Y-%m-%d %H:%M:%S"


DEMO_KEYS = Path(__file__).with_name("irp_demo_keys.pem")  # throw-away: the demo's two keys


def _self_signed(key: rsa.RSAPrivateKey, name: str, serial: int | None) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )


@dataclass
class Registered:
    irn: str
    ack_no: int
    ack_dt: dt.datetime
    payload: dict[str, Any]
    signed_invoice: str
    signed_qr: str
    status: str = "ACT"
    cancelled_at: dt.datetime | None = None


@dataclass
class Account:
    gstin: str
    username: str = "standin_user"
    password: str = "standin-password"
    client_id: str = "standin-client"
    client_secret: str = "standin-secret"


@dataclass
class StandinIrp:
    """The server's state; `start()` serves it on a free loopback port."""

    account: Account
    sandbox: bool = True
    clock: Callable[[], dt.datetime] = dt.datetime.now
    required_headers: dict[str, str] = field(default_factory=dict)
    token_hours: int = 6
    received: list[tuple[str, str]] = field(default_factory=list)
    # PEM of two RSA keys (auth, then signing) instead of fresh ones: the same signatures
    # run after run, as the demo wants (`DEMO_KEYS`); None makes new keys at start
    keys: bytes | None = None

    def __post_init__(self) -> None:
        if self.keys is None:
            self._auth_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self._sign_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        else:
            auth, sign = (
                serialization.load_pem_private_key(b"-----BEGIN" + part, password=None)
                for part in self.keys.split(b"-----BEGIN")[1:3]
            )
            if not (isinstance(auth, rsa.RSAPrivateKey) and isinstance(sign, rsa.RSAPrivateKey)):
                raise ValueError("the stand-in IRP's keys: two RSA private keys in PEM")
            self._auth_key, self._sign_key = auth, sign
        cert = _self_signed(self._sign_key, "Stand-in IRP signing", 1 if self.keys else None)
        self.certificate_pem = cert.public_bytes(serialization.Encoding.PEM)
        self.public_key_pem = self._auth_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self._kid = cert.fingerprint(hashes.SHA1()).hex().upper()
        self._sessions: dict[str, tuple[bytes, dt.datetime]] = {}
        self._by_key: dict[tuple[str, str, str], Registered] = {}
        self._by_irn: dict[str, Registered] = {}
        self._acks: dict[str, int] = {}
        self._failures: list[str] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- test hooks -----------------------------------------------------------------

    def fail_next(self, count: int, how: str = "503") -> None:
        """The next `count` requests fail: '503' (server error) or 'drop' (no response)."""
        self._failures.extend([how] * count)

    def start(self, port: int = 0) -> str:
        """Serve on 127.0.0.1:`port` (0: a free one); returns the base URL."""
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet: tests read `received`
                return

            def do_GET(self) -> None:
                standin._serve(self, "GET")

            def do_POST(self) -> None:
                standin._serve(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # --- HTTP plumbing ----------------------------------------------------------------

    def _serve(self, h: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(h.path)
        self.received.append((method, url.path))
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure == "drop":
            h.close_connection = True
            h.connection.close()
            return
        if failure:
            self._send(h, 503, b"Service Unavailable", "text/plain")
            return
        try:
            reply = self._route(method, url.path, parse_qs(url.query), dict(h.headers), body)
        except Exception as exc:  # the IRP answers 500 when it breaks; so do we
            self._send(h, 500, f"stand-in error: {exc}".encode(), "text/plain")
            return
        self._send(h, 200, json.dumps(reply).encode(), "application/json")

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str) -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    @staticmethod
    def _error(code: str, info: Any = None) -> dict[str, Any]:
        return {
            "Status": 0,
            "Data": None,
            "ErrorDetails": [{"ErrorCode": code, "ErrorMessage": message(code)}],
            "InfoDtls": info,
        }

    def _route(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
    ) -> dict[str, Any]:
        hdr = {k.lower(): v for k, v in headers.items()}
        for k, v in self.required_headers.items():
            if hdr.get(k.lower()) != v:
                return self._error("1010")
        if hdr.get("client_id") != self.account.client_id or (
            hdr.get("client_secret") != self.account.client_secret
        ):
            return self._error("1010")
        if method == "POST" and path.endswith(AUTH):
            return self._auth(hdr, loads(body))
        session = self._session(hdr)
        if session is None:
            return self._error("1005")
        if method == "POST" and path.endswith(CANCEL):
            return self._cancel(session, crypto.decrypt_json(session, loads(body)["Data"]))
        if method == "POST" and path.endswith(INVOICE):
            return self._generate(session, crypto.decrypt_json(session, loads(body)["Data"]))
        if method == "GET" and BY_IRN in path:
            rec = self._by_irn.get(path.rsplit("/", 1)[1])
            return self._ok(session, self._details(rec)) if rec else self._error("2148")
        if method == "GET" and path.endswith(BY_DOC):
            q = {k: v[0] for k, v in query.items()}
            day = dt.datetime.strptime(q.get("docdate", ""), "%d/%m/%Y").date()
            key = (self.account.gstin, q.get("doctype", "").upper(), q.get("docnum", "").upper())
            rec = self._by_key.get(key)
            ok = rec is not None and rec.payload["DocDtls"]["Dt"] == day.strftime("%d/%m/%Y")
            return self._ok(session, self._details(rec)) if rec and ok else self._error("2154")
        return self._error("2140")

    def _session(self, hdr: dict[str, str]) -> bytes | None:
        found = self._sessions.get(hdr.get("authtoken", ""))
        if (
            found is None
            or found[1] < self.clock()
            or hdr.get("user_name") != self.account.username
        ):
            return None
        if hdr.get("gstin") != self.account.gstin:
            return None
        return found[0]

    @staticmethod
    def _ok(sek: bytes, data: dict[str, Any]) -> dict[str, Any]:
        return {"Status": 1, "Data": crypto.encrypt_json(sek, dumps(data)), "ErrorDetails": None}

    # --- the calls --------------------------------------------------------------------

    def _auth(self, hdr: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        try:
            req = crypto.open_auth_data(self._auth_key, body["Data"])
            app_key = crypto.unb64(req["AppKey"])
        except (KeyError, ValueError):
            return self._error("1007")
        if hdr.get("gstin") != self.account.gstin:
            return self._error("1007")
        if (req.get("UserName"), req.get("Password")) != (
            self.account.username,
            self.account.password,
        ):
            return self._error("1008")
        token = secrets.token_urlsafe(18)
        sek = crypto.new_app_key()
        expiry = self.clock() + dt.timedelta(hours=self.token_hours)
        self._sessions[token] = (sek, expiry)
        data = {
            "ClientId": self.account.client_id,
            "UserName": self.account.username,
            "AuthToken": token,
            "Sek": crypto.aes_encrypt(app_key, sek),
            "TokenExpiry": expiry.strftime(STAMP),
        }
        return {"Status": 1, "Data": data, "ErrorDetails": None}

    def _sign(self, data: dict[str, Any]) -> str:
        claims = {"data": dumps(data), "iss": "Stand-in IRP"}
        return jwt.encode(claims, self._sign_key, algorithm="RS256", headers={"kid": self._kid})

    def _generate(self, sek: bytes, payload: dict[str, Any]) -> dict[str, Any]:
        inv, problems = parse(payload)
        if inv is None:
            return self._errors(problems)
        gstin = inv.SellerDtls.Gstin
        if gstin != self.account.gstin:
            return self._error("2143")
        key = (gstin, inv.DocDtls.Typ, inv.DocDtls.No.upper())
        if key in self._by_key:
            rec = self._by_key[key]
            info = [
                {
                    "InfCd": "DUPIRN",
                    "Desc": {
                        "AckNo": rec.ack_no,
                        "AckDt": rec.ack_dt.strftime(STAMP),
                        "Irn": rec.irn,
                    },
                }
            ]
            return self._error("2150", info)
        now = self.clock()
        problems = validate(inv, Settings(sandbox=self.sandbox, today=now.date()))
        if problems:
            return self._errors(problems)
        day = dt.datetime.strptime(inv.DocDtls.Dt, "%d/%m/%Y").date()
        irn = irn_of(gstin, inv.DocDtls.Typ, inv.DocDtls.No, day)
        ack_no = self._next_ack(gstin, now)
        stamp = now.strftime(STAMP)
        signed_inv = self._sign({"AckNo": ack_no, "AckDt": stamp, "Irn": irn, **loads(dumps(inv))})
        first = inv.ItemList[0]
        qr = {
            "SellerGstin": gstin,
            "BuyerGstin": inv.BuyerDtls.Gstin,
            "DocNo": inv.DocDtls.No,
            "DocTyp": inv.DocDtls.Typ,
            "DocDt": inv.DocDtls.Dt,
            "TotInvVal": inv.ValDtls.TotInvVal,
            "ItemCnt": len(inv.ItemList),
            "MainHsnCode": max(inv.ItemList, key=lambda it: it.AssAmt, default=first).HsnCd,
            "Irn": irn,
            "IrnDt": stamp,
        }
        rec = Registered(irn, ack_no, now, loads(dumps(inv)), signed_inv, self._sign(qr))
        self._by_key[key] = rec
        self._by_irn[irn] = rec
        return self._ok(sek, self._details(rec))

    def _next_ack(self, gstin: str, now: dt.datetime) -> int:
        """The registration's next Ack No: its own sequence, never another GSTIN's number."""
        with self._lock:
            n = self._acks.get(gstin, 0) + 1
            self._acks[gstin] = n
        return ack_number(gstin, now, n)

    def _errors(self, problems: list[Any]) -> dict[str, Any]:
        details = [
            {"ErrorCode": p.code or "2140", "ErrorMessage": f"{p.field}: {p.rule}"}
            for p in problems
        ]
        return {"Status": 0, "Data": None, "ErrorDetails": details, "InfoDtls": None}

    @staticmethod
    def _details(rec: Registered | None) -> dict[str, Any]:
        assert rec is not None
        return {
            "AckNo": rec.ack_no,
            "AckDt": rec.ack_dt.strftime(STAMP),
            "Irn": rec.irn,
            "SignedInvoice": rec.signed_invoice,
            "SignedQRCode": rec.signed_qr,
            "Status": rec.status,
            "EwbNo": None,
        }

    def _cancel(self, sek: bytes, req: dict[str, Any]) -> dict[str, Any]:
        rec = self._by_irn.get(str(req.get("Irn", "")))
        if rec is None:
            return self._error("2148")
        if str(req.get("CnlRsn", "")).strip() not in ("1", "2", "3", "4"):
            return self._error("2141")
        if rec.status != "ACT":
            return self._error("9999")
        now = self.clock()
        if now - rec.ack_dt > dt.timedelta(hours=24):
            return self._error("2270")
        rec.status, rec.cancelled_at = "CNL", now
        return self._ok(sek, {"Irn": rec.irn, "CancelDate": now.strftime(STAMP)})
