"""NIC e-invoice API encryption (eivital v1.04 authentication, then SEK for every payload).

- The client makes a random 32-byte app key; the auth request JSON (with the app key,
  base64) is base64-encoded and encrypted with the IRP's RSA public key (PKCS#1 v1.5).
- The IRP answers with a session key (SEK) encrypted with AES-256-ECB under the app key.
- Every later request's JSON is AES-256-ECB-encrypted with the SEK (PKCS#7 padding) and
  sent base64 in `Data`; responses' `Data` come back the same way.
ECB is the IRP's choice, not ours; these helpers exist only to speak its protocol.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.hazmat.primitives import padding, serialization
from cryptography.hazmat.primitives.asymmetric import padding as asym
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def new_app_key() -> bytes:
    """32 random bytes (AES-256); sent base64 (44 characters) in the auth request."""
    return os.urandom(32)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text)


def load_public_key(pem: bytes | str) -> RSAPublicKey:
    """The IRP's public key from PEM (a bare key or an X.509 certificate)."""
    data = pem.encode() if isinstance(pem, str) else pem
    if b"CERTIFICATE" in data:
        from cryptography import x509

        key = x509.load_pem_x509_certificate(data).public_key()
    else:
        key = serialization.load_pem_public_key(data)  # type: ignore[assignment]
    if not isinstance(key, RSAPublicKey):
        raise ValueError("the IRP public key must be an RSA key")
    return key


def rsa_encrypt(public_key: RSAPublicKey, data: bytes) -> str:
    return b64(public_key.encrypt(data, asym.PKCS1v15()))


def rsa_decrypt(private_key: RSAPrivateKey, text: str) -> bytes:
    return private_key.decrypt(unb64(text), asym.PKCS1v15())


def aes_encrypt(key: bytes, data: bytes) -> str:
    padder = padding.PKCS7(128).padder()
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return b64(enc.update(padder.update(data) + padder.finalize()) + enc.finalize())


def aes_decrypt(key: bytes, text: str) -> bytes:
    dec = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    plain = dec.update(unb64(text)) + dec.finalize()
    return unpadder.update(plain) + unpadder.finalize()


def auth_data(public_key: RSAPublicKey, body: dict[str, Any]) -> str:
    """The auth request's `Data`: RSA(base64(JSON))."""
    return rsa_encrypt(public_key, base64.b64encode(json.dumps(body).encode()))


def open_auth_data(private_key: RSAPrivateKey, data: str) -> dict[str, Any]:
    """The stand-in's side of `auth_data`."""
    result: dict[str, Any] = json.loads(base64.b64decode(rsa_decrypt(private_key, data)))
    return result


def encrypt_json(sek: bytes, text: str) -> str:
    return aes_encrypt(sek, text.encode())


def decrypt_json(sek: bytes, data: str) -> Any:
    from einvoice.schema import loads

    return loads(aes_decrypt(sek, data))
