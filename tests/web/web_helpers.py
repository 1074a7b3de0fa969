"""What the browser tests share: a real server with the WhatsApp stand-in, tokens,
members, and headless Debian Chromium through selenium; screenshots land in one folder
per run (printed, and kept under out/screenshots when that folder can be written)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import requests

from loyalty_gst.api.testing import ServerProcess
from loyalty_gst.standins.whatsapp import WhatsAppStandIn
from loyalty_gst.store import Store

FAR = dt.date(2099, 3, 31)
PHONE = "+919876543210"
OTHER = "+919812345678"
APP_SECRET = "wa-app-secret"
CHROMIUM = "/usr/bin/chromium"
DRIVER = "/usr/bin/chromedriver"


@dataclass
class Site:
    server: ServerProcess
    store: Store
    wa: WhatsAppStandIn
    admin: str
    till: str
    url: str
    shots: Path

    @property
    def base(self) -> str:
        return self.server.base

    def call(
        self, token: str | None, method: str, path: str, body: object = None
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, self.base + path, json=body, headers=headers, timeout=30)

    def webhook(self, payload: dict[str, object]) -> requests.Response:
        raw = json.dumps(payload).encode()
        sig = "sha256=" + hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
        return requests.post(
            self.base + "/v1/whatsapp/webhook",
            data=raw,
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": sig},
            timeout=30,
        )


def wa_env(wa: WhatsAppStandIn) -> dict[str, str]:
    return {
        "LOYALTY_GST_WHATSAPP_URL": wa.url,
        "LOYALTY_GST_WHATSAPP_PHONE_ID": wa.phone_number_id,
        "LOYALTY_GST_WHATSAPP_TOKEN": wa.token,
        "LOYALTY_GST_WHATSAPP_APP_SECRET": APP_SECRET,
        "LOYALTY_GST_WHATSAPP_BACKOFF": "0.2",
    }


def stop_reply(number: str, text: str = "STOP") -> dict[str, object]:
    """A Cloud API webhook notification: the member wrote `text`."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "0",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "contacts": [{"wa_id": number.lstrip("+")}],
                            "messages": [
                                {
                                    "from": number.lstrip("+"),
                                    "id": "wamid.in1",
                                    "timestamp": "0",
                                    "type": "text",
                                    "text": {"body": text},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }


def chromium_ready() -> bool:
    return Path(CHROMIUM).exists() and Path(DRIVER).exists()


def browser(width: int = 360, height: int = 780):  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="lgst_chromium_")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.set_window_size(width, height)
    driver.profile_dir = profile  # type: ignore[attr-defined]
    return driver


def close(driver) -> None:  # type: ignore[no-untyped-def]
    profile = getattr(driver, "profile_dir", None)
    driver.quit()
    if profile:
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(driver, folder: Path, name: str) -> Path:  # type: ignore[no-untyped-def]
    """The whole page at the window's width."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return window.innerWidth")
    driver.set_window_size(driver.get_window_size()["width"], max(int(height) + 120, 780))
    path = folder / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(driver.get_window_size()["width"], 780)
    assert width
    return path
