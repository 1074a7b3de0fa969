"""Where and how to reach the IRP: NIC direct or a GSP (base URL + extra headers).

From options or environment variables (LOYALTY_GST_IRP_*): BASE_URL, GSTIN, USERNAME,
PASSWORD, CLIENT_ID, CLIENT_SECRET, PUBLIC_KEY (path to the IRP's PEM public key or
certificate), SIGN_CERT (path to the IRP's signing certificate, for QR verification),
GSP_HEADERS (JSON object of extra headers, GSP mode), SANDBOX (1/0). Paths default to
NIC's: /eivital/v1.04/auth and /eicore/v1.03/… .
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from loyalty_gst.errors import InvalidInput

ENV = "LOYALTY_GST_IRP_"
NIC_SANDBOX = "https://einv-apisandbox.nic.in"


class IrpConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    base_url: str = NIC_SANDBOX
    gstin: str
    username: str
    password: str = Field(repr=False)
    client_id: str
    client_secret: str = Field(repr=False)
    public_key: str = Field(repr=False, description="PEM text or a path to the PEM file")
    sign_cert: str | None = Field(default=None, repr=False)
    gsp_headers: dict[str, str] = Field(default_factory=dict, repr=False)
    sandbox: bool = False
    connect_timeout: float = 5.0  # float ok: seconds, not money
    read_timeout: float = 30.0  # float ok: seconds, not money
    retries: int = 3
    backoff: float = 0.5  # float ok: seconds, not money
    auth_path: str = "/eivital/v1.04/auth"
    generate_path: str = "/eicore/v1.03/Invoice"
    cancel_path: str = "/eicore/v1.03/Invoice/Cancel"
    by_irn_path: str = "/eicore/v1.03/Invoice/irn/"
    by_doc_path: str = "/eicore/v1.03/Invoice/irnbydocdetails"

    @property
    def mode(self) -> str:
        return "gsp" if self.gsp_headers else "direct"

    def public_key_pem(self) -> bytes:
        return _pem(self.public_key)

    def sign_cert_pem(self) -> bytes | None:
        return _pem(self.sign_cert) if self.sign_cert else None


def _pem(value: str) -> bytes:
    if "-----BEGIN" in value:
        return value.encode()
    return Path(value).read_bytes()


def from_env(**overrides: object) -> IrpConfig:
    """IrpConfig from LOYALTY_GST_IRP_* variables; non-None overrides win."""
    names = (
        "base_url",
        "gstin",
        "username",
        "password",
        "client_id",
        "client_secret",
        "public_key",
        "sign_cert",
        "sandbox",
    )
    values: dict[str, object] = {}
    for name in names:
        env = os.environ.get(ENV + name.upper())
        if env is not None:
            values[name] = env in ("1", "true", "yes") if name == "sandbox" else env
    headers = os.environ.get(ENV + "GSP_HEADERS")
    if headers:
        values["gsp_headers"] = json.loads(headers)
    values.update({k: v for k, v in overrides.items() if v is not None})
    missing = [n for n in names[:7] if not values.get(n) and n != "base_url"]
    if missing:
        raise InvalidInput.one(
            "irp",
            missing,
            "IRP settings missing: set " + ", ".join(ENV + m.upper() for m in missing),
        )
    return IrpConfig.model_validate(values)
