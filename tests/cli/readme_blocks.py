"""The README's fenced blocks, as data for the tests that run them.

A block may be preceded by an HTML comment that tells the README test what it is:
`<!-- readme-test: skip (why) -->` an illustration only (a session with a server, a
placeholder), `<!-- readme-test: file NAME -->` the content of a file the next blocks use.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[2] / "README.md"
FENCE = re.compile(
    r"(?:<!--\s*readme-test:\s*(?P<mark>[^>]*?)\s*-->\s*\n)?^```(?P<lang>[\w-]*)\n(?P<body>.*?)^```",
    re.S | re.M,
)


@dataclass(frozen=True)
class Block:
    line: int  # 1-based line of the opening fence
    lang: str
    body: str
    mark: str  # "" | "skip …" | "file NAME"

    @property
    def skipped(self) -> bool:
        return self.mark.startswith("skip")

    @property
    def file(self) -> str | None:
        return self.mark.split(None, 1)[1] if self.mark.startswith("file ") else None


def blocks(text: str | None = None) -> list[Block]:
    text = README.read_text(encoding="utf-8") if text is None else text
    out = []
    for m in FENCE.finditer(text):
        line = text.count("\n", 0, m.start("lang")) + 1
        out.append(Block(line, m["lang"], m["body"], (m["mark"] or "").strip()))
    return out


def readme_sale() -> dict[str, Any]:
    """The README's example Sale (the block written to sale.json)."""
    first = next(b for b in blocks() if b.file == "sale.json")
    data: dict[str, Any] = json.loads(first.body)
    return data
