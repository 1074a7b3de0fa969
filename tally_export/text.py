"""Text that XML 1.0 can carry: control characters dropped, everything else kept.

lxml refuses a string holding a control character (U+0000–U+001F except tab, newline and
carriage return, and U+FFFE/U+FFFF); names and narrations come from other systems, so they
are cleaned once here. `& < > "` and non-ASCII (₹, é, देवनागरी) need no treatment: lxml
escapes the first and UTF-8 carries the rest.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text
