"""A stand-in for Tally's HTTP XML server, for tests: a real server on 127.0.0.1.

It accepts the import envelope (and the legacy IMPORTDATA/REQUESTDESC/REQUESTDATA
form), creates or alters masters by NAME, and for each voucher does what Tally does
with a bad one: refuses it with a LINEERROR in Tally's wording —
"Ledger 'X' does not exist!", "Stock Item 'X' does not exist!", "Voucher totals do not
match!" — counting it in ERRORS. A voucher whose REMOTEID it already holds is altered,
not duplicated. It answers export requests with the vouchers it holds for
SVFROMDATE..SVTODATE, and can be told to renumber or drop a voucher afterwards, as a
real Tally with automatic numbering (or a user) would. Replies come in the TallyPrime
ENVELOPE/…/IMPORTRESULT form or the bare RESPONSE form (`reply_form`).
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

from lxml import etree

from tally_export.replies import COUNTERS

MASTER_TAGS = ("LEDGER", "STOCKITEM", "UNIT", "TAXUNIT", "GROUP", "GSTREGISTRATION")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
ReplyForm = Literal["envelope", "response"]


def _amount(text: str | None) -> Decimal:
    try:
        return Decimal((text or "0").strip() or "0")
    except InvalidOperation:
        return Decimal(0)


class StandInTally:
    def __init__(
        self,
        port: int = 0,
        *,
        reply_form: ReplyForm = "envelope",
        ledgers: Iterable[str] = (),
    ) -> None:
        self.port = port
        self.reply_form: ReplyForm = reply_form
        self.lock = threading.Lock()
        self.masters: dict[tuple[str, str], etree._Element] = {
            ("LEDGER", name): etree.Element("LEDGER", NAME=name) for name in ledgers
        }
        self.vouchers: dict[str, etree._Element] = {}  # REMOTEID -> stored voucher
        self.requests = 0
        self._last_id = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> StandInTally:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                reply = standin.handle(body)
                self.send_response(200)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: object) -> None:
                return  # tests stay quiet

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> StandInTally:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what a test may do to the books ---

    def has(self, tag: str, name: str) -> bool:
        return (tag, name) in self.masters

    def renumber(self, remote_id: str, number: str) -> None:
        with self.lock:
            v = self.vouchers[remote_id]
            node = v.find("VOUCHERNUMBER")
            if node is None:
                node = etree.SubElement(v, "VOUCHERNUMBER")
            node.text = number

    def drop(self, remote_id: str) -> None:
        with self.lock:
            del self.vouchers[remote_id]

    # --- requests ---

    def handle(self, body: bytes) -> bytes:
        with self.lock:
            self.requests += 1
            try:
                root = etree.fromstring(body, _PARSER)
            except etree.XMLSyntaxError as exc:
                return self._status0(f"Could not parse the request: {exc}")
            request = (root.findtext("HEADER/TALLYREQUEST") or "").strip().lower()
            if request.startswith("export"):
                return self._export(root)
            if request.startswith("import"):
                return self._import(root)
            return self._status0("Unknown Request, cannot be processed")

    def _status0(self, message: str) -> bytes:
        env = etree.Element("ENVELOPE")
        h = etree.SubElement(env, "HEADER")
        etree.SubElement(h, "VERSION").text = "1"
        etree.SubElement(h, "STATUS").text = "0"
        etree.SubElement(etree.SubElement(env, "BODY"), "DATA").text = message
        return bytes(etree.tostring(env, encoding="utf-8"))

    def _voucher_errors(self, v: etree._Element) -> list[str]:
        errors: list[str] = []
        names: list[str] = []
        party = (v.findtext("PARTYLEDGERNAME") or "").strip()
        if party:
            names.append(party)
        total = Decimal(0)
        for tag in ("LEDGERENTRIES.LIST", "ALLLEDGERENTRIES.LIST"):
            for e in v.findall(tag):
                names.append((e.findtext("LEDGERNAME") or "").strip())
                total += _amount(e.findtext("AMOUNT"))
        for inv in v.findall("ALLINVENTORYENTRIES.LIST"):
            item = (inv.findtext("STOCKITEMNAME") or "").strip()
            if ("STOCKITEM", item) not in self.masters:
                errors.append(f"Stock Item '{item}' does not exist!")
            for a in inv.findall("ACCOUNTINGALLOCATIONS.LIST"):
                names.append((a.findtext("LEDGERNAME") or "").strip())
                total += _amount(a.findtext("AMOUNT"))
        for name in dict.fromkeys(names):
            if ("LEDGER", name) not in self.masters:
                errors.append(f"Ledger '{name}' does not exist!")
        if total != 0:
            errors.append("Voucher totals do not match!")
        return errors

    def _import(self, root: etree._Element) -> bytes:
        counts = dict.fromkeys(COUNTERS, 0)
        lines: list[str] = []
        for msg in root.iter("TALLYMESSAGE"):
            for obj in msg:
                if not isinstance(obj.tag, str):
                    continue
                if obj.tag in MASTER_TAGS:
                    key = (obj.tag, obj.get("NAME") or obj.findtext("NAME.LIST/NAME") or "")
                    counts["ALTERED" if key in self.masters else "CREATED"] += 1
                    self.masters[key] = copy.deepcopy(obj)
                elif obj.tag == "VOUCHER":
                    errors = self._voucher_errors(obj)
                    if errors:
                        counts["ERRORS"] += 1
                        lines += errors
                        continue
                    rid = obj.get("REMOTEID") or obj.findtext("GUID") or f"auto-{self._last_id}"
                    counts["ALTERED" if rid in self.vouchers else "CREATED"] += 1
                    self.vouchers[rid] = copy.deepcopy(obj)
                    self._last_id += 1
                else:
                    counts["EXCEPTIONS"] += 1
                    lines.append(f"Unknown object '{obj.tag}' cannot be imported")
        return self._reply(counts, lines)

    def _reply(self, counts: dict[str, int], lines: list[str]) -> bytes:
        if self.reply_form == "response":
            node = root = etree.Element("RESPONSE")
        else:
            root = etree.Element("ENVELOPE")
            h = etree.SubElement(root, "HEADER")
            etree.SubElement(h, "VERSION").text = "1"
            etree.SubElement(h, "STATUS").text = "1"
            body = etree.SubElement(root, "BODY")
            etree.SubElement(body, "DESC")
            data = etree.SubElement(body, "DATA")
            node = etree.SubElement(data, "IMPORTRESULT")
        for name, value in counts.items():
            etree.SubElement(node, name).text = str(value)
        etree.SubElement(node, "LASTVCHID").text = str(self._last_id)
        parent = node if self.reply_form == "response" else node.getparent()
        assert parent is not None
        for line in lines:
            etree.SubElement(parent, "LINEERROR").text = line
        return bytes(etree.tostring(root, encoding="utf-8"))

    def _export(self, root: etree._Element) -> bytes:
        start = (root.findtext(".//STATICVARIABLES/SVFROMDATE") or "00000000").strip()
        end = (root.findtext(".//STATICVARIABLES/SVTODATE") or "99999999").strip()
        env = etree.Element("ENVELOPE")
        data = etree.SubElement(etree.SubElement(env, "BODY"), "DATA")
        coll = etree.SubElement(data, "COLLECTION")
        for v in self.vouchers.values():
            if start <= (v.findtext("DATE") or "") <= end:
                coll.append(copy.deepcopy(v))
        return bytes(etree.tostring(env, encoding="utf-8"))
