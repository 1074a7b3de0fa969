"""Streaming Tally import files: lxml's incremental writer, chunked every N objects.

Memory stays flat however many vouchers go through: each `<VOUCHER>` element is built,
written inside its own TALLYMESSAGE and dropped; only the open envelope tags are held.
Every file is a complete import envelope (UTF-8, declared), so any one file imports on
its own; a new file starts after `chunk_size` objects (vouchers-0001.xml, -0002, …).
A voucher that does not sum to 0 is refused (`UnbalancedVoucher`) before a byte of it is
written.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import IO

from lxml import etree

from tally_export.envelope import ImportId, desc_element, header_element
from tally_export.render import message_element
from tally_export.vouchers import Voucher, check

_BUFFER = 1 << 20


class ImportWriter:
    """Writes TALLYMESSAGE objects into `DIR/<prefix>-0001.xml`, … one envelope per file."""

    def __init__(
        self,
        out_dir: str | Path,
        company: str,
        *,
        id_: ImportId = "Vouchers",
        prefix: str = "vouchers",
        chunk_size: int = 5000,
        pretty: bool = True,
    ) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        self.out_dir = Path(out_dir)
        self.company = company
        self.id_: ImportId = id_
        self.prefix = prefix
        self.chunk_size = chunk_size
        self.pretty = pretty  # indented XML for people; False: one object per line, faster
        self.files: list[Path] = []
        self.count = 0
        self._in_file = 0
        self._stack: ExitStack | None = None
        self._xf: etree._IncrementalFileWriter | None = None

    # --- files ---

    def _open(self) -> etree._IncrementalFileWriter:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        path = self.out_dir / f"{self.prefix}-{len(self.files) + 1:04d}.xml"
        stack = ExitStack()
        fh: IO[bytes] = stack.enter_context(path.open("wb", buffering=_BUFFER))
        xf = stack.enter_context(etree.xmlfile(fh, encoding="utf-8"))
        xf.write_declaration()
        stack.enter_context(xf.element("ENVELOPE"))
        xf.write("\n")
        xf.write(header_element(self.id_), pretty_print=True)
        stack.enter_context(xf.element("BODY"))
        xf.write("\n")
        xf.write(desc_element(self.company), pretty_print=True)
        stack.enter_context(xf.element("DATA"))
        xf.write("\n")
        self.files.append(path)
        self._stack, self._xf, self._in_file = stack, xf, 0
        return xf

    def _close_file(self) -> None:
        if self._stack is not None:
            self._stack.close()
        self._stack, self._xf = None, None

    # --- objects ---

    def write_element(self, obj: etree._Element) -> None:
        """Write one master or voucher element inside its own TALLYMESSAGE."""
        msg = etree.Element("TALLYMESSAGE")
        msg.append(obj)
        self._write_message(msg)

    def _write_message(self, msg: etree._Element) -> None:
        xf = self._xf
        if xf is None or self._in_file >= self.chunk_size:
            self._close_file()
            xf = self._open()
        xf.write(msg, pretty_print=self.pretty)
        if not self.pretty:
            xf.write("\n")
        self._in_file += 1
        self.count += 1

    def write(self, voucher: Voucher) -> None:
        """Check the voucher sums to 0 (or raise), then stream it."""
        check(voucher)
        self._write_message(message_element(voucher))

    def close(self) -> None:
        self._close_file()

    def __enter__(self) -> ImportWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
