"""Secrets kept outside the database, in files only the server's user can read: the
signing key of ledger checkpoints and the key of the OTP hashes. Someone who can read or
write the database does not hold them.

The folder is $LOYALTY_GST_KEYS (default ~/.config/loyalty-gst/keys); each file is made
on first use with mode 0600.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from loyalty_gst.errors import InvalidInput


def folder() -> Path:
    env = os.environ.get("LOYALTY_GST_KEYS")
    return Path(env) if env else Path.home() / ".config" / "loyalty-gst" / "keys"


def _write_new(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it first: theirs is read back
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def secret(name: str, path: Path | None = None) -> bytes:
    """32 random bytes kept in `path` (default: <folder>/<name>.secret)."""
    p = path or folder() / f"{name}.secret"
    if not p.exists():
        _write_new(p, secrets.token_bytes(32).hex().encode())
    return bytes.fromhex(p.read_text().strip())


def signing_key(name: str, path: Path | None = None) -> Ed25519PrivateKey:
    """An Ed25519 private key kept in `path` as PKCS#8 PEM (default: <folder>/<name>.pem),
    made on first use; a file that is there must hold such a key."""
    p = path or folder() / f"{name}.pem"
    if not p.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _write_new(p, pem)
    try:
        key = serialization.load_pem_private_key(p.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise InvalidInput.one(
            "--key", str(p), f"an unencrypted Ed25519 private key in PEM ({type(exc).__name__})"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput.one("--key", str(p), "an Ed25519 private key, not another kind")
    return key
