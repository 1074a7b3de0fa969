"""Account references for URLs: `a<id>-<tag>`, the tag an HMAC of the id under a server
key kept outside the database, so an account's history cannot be read by counting ids:
a reference is only known to whoever looked the member up."""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import cache

from loyalty_gst import keyfiles
from loyalty_gst.errors import NotFound

PATTERN = r"^a[0-9]{1,10}-[0-9a-f]{20}$"
_REF = re.compile(PATTERN)


@cache
def _key(folder: str) -> bytes:
    return keyfiles.secret("account-ref")


def _tag(account_id: int) -> str:
    key = _key(str(keyfiles.folder()))
    return hmac.new(key, f"account:{account_id}".encode(), hashlib.sha256).hexdigest()[:20]


def ref_of(account_id: int) -> str:
    return f"a{account_id}-{_tag(account_id)}"


def account_of_ref(ref: str) -> int:
    """The account id of a reference we made, or NotFound (the same for any forgery)."""
    if not _REF.search(ref):
        raise NotFound("no such account")
    head, tag = ref[1:].split("-", 1)
    if not hmac.compare_digest(tag, _tag(int(head))):
        raise NotFound("no such account")
    return int(head)
