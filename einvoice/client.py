"""IRP client (requests): NIC direct API, or a GSP with its own base URL and headers.

Calls: authenticate (eivital v1.04), generate IRN, get e-invoice by IRN, get IRN by
document details, cancel IRN (reasons 1 duplicate, 2 data entry mistake, 3 order
cancelled, 4 others; within 24 hours). Every call has a timeout; connection errors and
HTTP 5xx are retried with exponential backoff, nothing else is (a validation error is
an answer, not an outage). An expired token (1005) re-authenticates once. Duplicate
IRN (2150): the existing IRN is fetched and adopted only if its buyer GSTIN and
invoice value equal ours — otherwise `DuplicateMismatch`. Every exchange goes to the
e-invoice log (secrets redacted); log lines mask GSTINs.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import requests

from einvoice import crypto, qr
from einvoice.config import IrpConfig
from einvoice.log import EinvoiceLog
from einvoice.results import DuplicateMismatch, IrpError, IrpUnavailable, Registration
from einvoice.schema import Inv01, dumps, loads, to_dict
from loyalty_gst.ids import gstin as gstin_id

__all__ = ["DuplicateMismatch", "IrpClient", "IrpError", "IrpUnavailable", "Registration"]

log = logging.getLogger(__name__)
CANCEL_REASONS = {
    "1": "Duplicate",
    "2": "Data entry mistake",
    "3": "Order cancelled",
    "4": "Others",
}


class IrpClient:
    """One GSTIN's session with the IRP."""

    def __init__(
        self,
        config: IrpConfig,
        *,
        log_store: EinvoiceLog | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.log_store = log_store
        self.http = session or requests.Session()
        self.sleep = sleep
        self._token: str | None = None
        self._sek: bytes | None = None

    # --- plumbing -----------------------------------------------------------------------

    def _headers(self, with_token: bool) -> dict[str, str]:
        c = self.config
        h = {
            "Content-Type": "application/json",
            "client_id": c.client_id,
            "client_secret": c.client_secret,
            "Gstin": c.gstin,
            "user_name": c.username,
        }
        h.update(c.gsp_headers)
        if with_token and self._token:
            h["AuthToken"] = self._token
        return h

    def _send(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        plain: Any = None,
        params: dict[str, str] | None = None,
        doc_no: str | None = None,
        irn: str | None = None,
        auth: bool = True,
    ) -> dict[str, Any]:
        """One call with retries on connection errors and 5xx; returns the JSON envelope."""
        url = self.config.base_url.rstrip("/") + path
        headers = self._headers(with_token=auth)
        c = self.config
        for attempt in range(1, c.retries + 2):
            started = time.monotonic()
            status: int | None = None
            try:
                resp = self.http.request(
                    method,
                    url,
                    headers=headers,
                    data=json.dumps(body) if body else None,
                    params=params,
                    timeout=(c.connect_timeout, c.read_timeout),
                )
                status = resp.status_code
                envelope = resp.json() if status < 500 else {"text": resp.text[:200]}
                outcome = (
                    "server_error" if status >= 500 else ("ok" if _ok(envelope) else "refused")
                )
            except requests.ConnectionError as exc:
                envelope, outcome = {"error": type(exc).__name__}, "unreachable"
            except requests.Timeout as exc:
                self._log(
                    operation,
                    method,
                    url,
                    attempt,
                    "timeout",
                    doc_no,
                    irn,
                    None,
                    headers,
                    plain,
                    {"error": type(exc).__name__},
                    started,
                )
                raise IrpUnavailable(f"{operation}: no answer within {c.read_timeout}s") from exc
            except ValueError:
                envelope, outcome = {"text": resp.text[:200]}, "bad_response"
            self._log(
                operation,
                method,
                url,
                attempt,
                outcome,
                doc_no,
                irn,
                status,
                headers,
                plain,
                self._readable(envelope),
                started,
            )
            if outcome not in ("unreachable", "server_error"):
                if outcome == "bad_response":
                    raise IrpUnavailable(
                        f"{operation}: the IRP answered HTTP {status} without JSON"
                    )
                return envelope
            if attempt <= c.retries:
                delay = c.backoff * (2 ** (attempt - 1))
                log.warning(
                    "IRP %s: %s (attempt %d), retrying in %.2fs", operation, outcome, attempt, delay
                )
                self.sleep(delay)
        raise IrpUnavailable(f"{operation}: IRP unreachable after {c.retries + 1} attempts")

    def _readable(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """The envelope with its encrypted Data opened (for the log; secrets get redacted)."""
        data = envelope.get("Data")
        if isinstance(data, str) and self._sek and envelope.get("Status") in (1, "1"):
            try:
                return {**envelope, "Data": crypto.decrypt_json(self._sek, data)}
            except ValueError:
                return envelope
        return envelope

    def _log(
        self,
        operation: str,
        method: str,
        url: str,
        attempt: int,
        outcome: str,
        doc_no: str | None,
        irn: str | None,
        status: int | None,
        headers: dict[str, str],
        plain: Any,
        response: Any,
        started: float,
    ) -> None:
        if self.log_store is None:
            return
        details = response.get("ErrorDetails") if isinstance(response, dict) else None
        codes = [str(e.get("ErrorCode")) for e in details or []]
        self.log_store.record(
            operation=operation,
            method=method,
            url=url,
            attempt=attempt,
            outcome=outcome,
            gstin=self.config.gstin,
            doc_no=doc_no,
            irn=irn,
            http_status=status,
            error_codes=codes,
            request_headers=headers,
            request=plain,
            response=response,
            duration_ms=int((time.monotonic() - started) * 1000),
        )

    def _call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        payload: Any = None,
        params: dict[str, str] | None = None,
        doc_no: str | None = None,
        irn: str | None = None,
    ) -> dict[str, Any]:
        """An authenticated call: encrypts the payload, decrypts Data, re-auths once on 1005."""
        for again in (False, True):
            if self._sek is None:
                self.authenticate()
            assert self._sek is not None
            body = None
            if payload is not None:
                text = payload if isinstance(payload, str) else json.dumps(payload)
                body = {"Data": crypto.encrypt_json(self._sek, text)}
            plain = loads(payload) if isinstance(payload, str) else payload
            env = self._send(
                operation,
                method,
                path,
                body=body,
                plain=plain,
                params=params,
                doc_no=doc_no,
                irn=irn,
            )
            if _ok(env):
                data = env.get("Data")
                return crypto.decrypt_json(self._sek, data) if isinstance(data, str) else data or {}
            err = _errors(env)
            if not again and any(c == "1005" for c, _ in err):
                self._token = self._sek = None
                continue
            raise IrpError(err, env.get("InfoDtls"))
        raise AssertionError("unreachable")

    # --- the calls ----------------------------------------------------------------------

    def authenticate(self, force: bool = False) -> None:
        c = self.config
        app_key = crypto.new_app_key()
        req = {
            "UserName": c.username,
            "Password": c.password,
            "AppKey": crypto.b64(app_key),
            "ForceRefreshAccessToken": force,
        }
        data = crypto.auth_data(crypto.load_public_key(c.public_key_pem()), req)
        env = self._send("auth", "POST", c.auth_path, body={"Data": data}, plain=req, auth=False)
        if not _ok(env):
            raise IrpError(_errors(env))
        result = env["Data"]
        self._token = result["AuthToken"]
        self._sek = crypto.aes_decrypt(app_key, result["Sek"])
        log.info("IRP session opened for %s", gstin_id.mask(c.gstin))

    def generate(self, payload: Inv01 | dict[str, Any]) -> Registration:
        """Register a document; a duplicate is adopted only when it matches (see module)."""
        doc = to_dict(payload) if isinstance(payload, Inv01) else payload
        no = str(doc["DocDtls"]["No"])
        try:
            data = self._call(
                "generate", "POST", self.config.generate_path, payload=dumps(doc), doc_no=no
            )
        except IrpError as exc:
            if "2150" not in exc.codes:
                raise
            return self._adopt(doc, exc.info)
        return Registration.from_data(data)

    def _adopt(self, doc: dict[str, Any], info: Any) -> Registration:
        desc = next(
            (
                i.get("Desc")
                for i in (info or [])
                if isinstance(i, dict) and i.get("InfCd") == "DUPIRN"
            ),
            None,
        )
        if desc and desc.get("Irn"):
            existing = self.get_by_irn(str(desc["Irn"]))
        else:
            d = doc["DocDtls"]
            existing = self.get_by_doc(str(d["Typ"]), str(d["No"]), str(d["Dt"]))
        theirs = qr.decode(existing.signed_invoice)
        ours_buyer, ours_total = (
            doc["BuyerDtls"]["Gstin"],
            Decimal(str(doc["ValDtls"]["TotInvVal"])),
        )
        their_buyer = theirs.get("BuyerDtls", {}).get("Gstin")
        their_total = Decimal(str(theirs.get("ValDtls", {}).get("TotInvVal")))
        if their_buyer != ours_buyer or their_total != ours_total:
            raise DuplicateMismatch(
                f"{doc['DocDtls']['No']}: the IRP already registered this number (IRN "
                f"{existing.irn[:12]}…) for buyer {gstin_id.mask(str(their_buyer))} and value "
                f"{their_total}, not {gstin_id.mask(ours_buyer)} / {ours_total}; "
                "not adopted — issue a new document number or correct the original"
            )
        return existing.model_copy(update={"adopted_duplicate": True})

    def get_by_irn(self, irn: str) -> Registration:
        data = self._call("get_irn", "GET", self.config.by_irn_path + irn, irn=irn)
        return Registration.from_data(data)

    def get_by_doc(self, typ: str, number: str, date: str) -> Registration:
        params = {"doctype": typ, "docnum": number, "docdate": date}
        data = self._call(
            "get_by_doc", "GET", self.config.by_doc_path, params=params, doc_no=number
        )
        return Registration.from_data(data)

    def cancel(self, irn: str, reason: str | int, remarks: str) -> dt.datetime:
        """Cancel within 24 hours; returns the IRP's cancel date-time."""
        code = str(reason)
        if code not in CANCEL_REASONS:
            raise IrpError([("2141", f"cancel reason must be one of {sorted(CANCEL_REASONS)}")])
        req = {"Irn": irn, "CnlRsn": code, "CnlRem": (remarks or CANCEL_REASONS[code])[:100]}
        data = self._call("cancel", "POST", self.config.cancel_path, payload=req, irn=irn)
        return dt.datetime.strptime(str(data["CancelDate"]), "%Y-%m-%d %H:%M:%S")


def _ok(envelope: dict[str, Any]) -> bool:
    return envelope.get("Status") in (1, "1")


def _errors(envelope: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (str(e.get("ErrorCode")), str(e.get("ErrorMessage")))
        for e in (envelope.get("ErrorDetails") or [])
    ]
