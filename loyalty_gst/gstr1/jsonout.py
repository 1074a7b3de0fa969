"""JSON text for the return with amounts as exact numbers (Decimal → "1234.50", never float).

>>> dumps({"a": [1, Decimal("2.50"), "x"], "b": None, "c": True})
'{"a":[1,2.50,"x"],"b":null,"c":true}'
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


def dumps(obj: Any) -> str:
    if isinstance(obj, str):
        return json.dumps(obj, ensure_ascii=False)
    if isinstance(obj, bool) or obj is None:
        return json.dumps(obj)
    if isinstance(obj, int):
        return str(obj)
    if isinstance(obj, Decimal):
        return format(obj, "f")
    if isinstance(obj, dict):
        return "{" + ",".join(f"{dumps(str(k))}:{dumps(v)}" for k, v in obj.items()) + "}"
    if isinstance(obj, list | tuple):
        return "[" + ",".join(dumps(v) for v in obj) + "]"
    raise TypeError(f"cannot write {type(obj).__name__} into the return")
