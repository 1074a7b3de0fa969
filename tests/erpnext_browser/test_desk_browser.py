"""The desk's client scripts driven in a real headless Chromium against a bench site served
on loopback: the Sales Invoice and POS Invoice forms (balance on customer pick, points
typed → discount and totals recomputed before save through the quote method, 150.5 and
"abc" refused with a message) and the Point of Sale page (the "Loyalty Points" menu,
the member's check by app code where the settings require it).

Bench-only, outside CI (it needs a bench and a served site):

    LGST_BENCH=/path/to/frappe-bench LGST_SITE=ic.localhost \\
    LGST_BENCH_URL=http://ic.localhost:8000 [LGST_SHOTS=/tmp/shots] \\
        ./dev test tests/erpnext_browser
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

BENCH = os.environ.get("LGST_BENCH")
SITE = os.environ.get("LGST_SITE")
URL = os.environ.get("LGST_BENCH_URL")
if not (BENCH and SITE and URL and shutil.which("chromedriver")):
    pytest.skip(
        "bench-only: set LGST_BENCH, LGST_SITE and LGST_BENCH_URL (a served site)",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service as ChromeService  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

SHOTS = Path(os.environ.get("LGST_SHOTS", "/tmp/lgst-desk-shots"))
PASSWORD = os.environ.get("LGST_ADMIN_PASSWORD", "admin")


def bench_execute(method: str, **kwargs: Any) -> dict[str, Any]:
    out = subprocess.run(
        ["bench", "--site", str(SITE), "execute", method, "--kwargs", json.dumps(kwargs)],
        cwd=BENCH, capture_output=True, text=True, check=True, timeout=300,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    value = json.loads(out)
    return json.loads(value) if isinstance(value, str) else value


def prepare(**kwargs: Any) -> dict[str, Any]:
    return bench_execute("loyalty_gst.tests.erpnext.lgst_browser_data.prepare", **kwargs)


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    opts = webdriver.ChromeOptions()
    for arg in (
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1400,1000",
    ):  # fmt: skip
        opts.add_argument(arg)
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    # Debian's driver by path: selenium's manager would otherwise look for one online
    service = ChromeService(executable_path=shutil.which("chromedriver"))
    driver = webdriver.Chrome(options=opts, service=service)
    driver.set_script_timeout(30)
    try:
        driver.get(f"{URL}/login")
        wait_for(driver, lambda: driver.find_elements(By.ID, "login_email"))
        driver.find_element(By.ID, "login_email").send_keys("Administrator")
        driver.find_element(By.ID, "login_password").send_keys(PASSWORD + Keys.ENTER)
        wait_for(driver, lambda: "/app" in driver.current_url, what="the desk after login")
        yield driver
    finally:
        driver.quit()


def wait_for(driver: Any, ok: Callable[[], Any], what: str = "", seconds: float = 30) -> Any:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            got = ok()
        except Exception:  # the page is still loading
            got = None
        if got:
            return got
        time.sleep(0.25)
    shot(driver, "timeout")
    raise AssertionError(f"timed out waiting for {what}")


def shot(driver: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def js(driver: Any, script: str, *args: Any) -> Any:
    return driver.execute_script(script, *args)


def idle(driver: Any) -> None:
    """No request in flight and no pending form change."""
    wait_for(
        driver,
        lambda: js(driver, "return !!window.frappe && frappe.request.ajax_count === 0"),
        what="the desk's requests",
    )
    time.sleep(0.5)


def open_form(driver: Any, doctype: str, data: dict[str, Any], extra: str = "") -> None:
    slug = doctype.lower().replace(" ", "-")
    driver.get(f"{URL}/app/{slug}/new")
    wait_for(
        driver,
        lambda: js(driver, "return window.cur_frm && cur_frm.doctype === arguments[0]", doctype),
        what=f"the {doctype} form",
    )
    idle(driver)
    # the header and lines through the form's own API (as a link field pick would)
    js(
        driver,
        """
        const [d, extra] = arguments;
        const frm = cur_frm;
        return (async () => {
            await frm.set_value("company", d.company);
            if (extra) await frm.set_value(extra[0], extra[1]);
            await frm.set_value("currency", "INR");
            await frm.set_value("customer", d.customer);
            frm.clear_table("items");
            for (const [code, qty] of [["_LGST-SHIRT", 2], ["_LGST-BELT", 1]]) {
                const row = frm.add_child("items");
                await frappe.model.set_value(row.doctype, row.name, "item_code", code);
                await frappe.timeout(1.5);
                await frappe.model.set_value(row.doctype, row.name, "qty", qty);
            }
            await frm.set_value("taxes_and_charges", d.taxes);
            await frappe.timeout(1.5);
        })();
        """,
        data,
        extra or None,
    )
    idle(driver)
    wait_for(driver, lambda: js(driver, "return cur_frm.doc.net_total === 3000"), "net 3000")


def headline(driver: Any) -> str:
    """The form's headline line that names the loyalty balance, as the page shows it."""
    shown = str(js(driver, "return document.body.innerText || ''"))
    return next((ln.strip() for ln in shown.splitlines() if ln.strip().startswith("Loyalty ")), "")


def type_points(driver: Any, text: str) -> None:
    box = driver.find_element(
        By.CSS_SELECTOR, '.frappe-control[data-fieldname="lgst_points_to_redeem"] input'
    )
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.clear()
    box.send_keys(text + Keys.TAB)
    idle(driver)


def modal_text(driver: Any) -> str:
    return str(js(driver, "return $('.modal:visible .modal-body').text() || ''")).strip()


def close_modals(driver: Any) -> None:
    js(driver, "$('.modal:visible').modal('hide')")
    time.sleep(0.6)


def figures(driver: Any) -> tuple[Any, ...]:
    return tuple(
        js(
            driver,
            "const d = cur_frm.doc; return [d.lgst_points_redeemed, d.discount_amount,"
            " d.net_total, d.total_taxes_and_charges, d.grand_total, cur_frm.is_new()]",
        )
    )


@pytest.mark.parametrize(
    ("doctype", "extra"), [("Sales Invoice", ""), ("POS Invoice", "pos_profile")]
)
def test_form_balance_quote_and_bad_points(browser: Any, doctype: str, extra: str) -> None:
    data = prepare(points=1000)
    tag = doctype.lower().replace(" ", "_")
    open_form(browser, doctype, data, [extra, data["profile"]] if extra else "")  # type: ignore[arg-type]
    wait_for(browser, lambda: "usable today" in headline(browser), "the balance headline")
    text = headline(browser)
    assert f"{data['mobile'][:3]}******{data['mobile'][-4:]}" in text, text
    assert "1000 points (₹1000), usable today 1000" in text, text
    shot(browser, f"{tag}_1_balance")
    # 300 points at ₹1 off the net total: taxable 2700; 5 % on 1800, 18 % on 900 → 252
    type_points(browser, "300")
    wait_for(browser, lambda: figures(browser)[0] == 300, "the quote")
    assert figures(browser) == (300, 300, 2700, 252, 2952, True)
    grand = js(
        browser,
        "return $('.frappe-control[data-fieldname=\"grand_total\"]').first().text()",
    )
    assert "2,952.00" in grand, grand
    shot(browser, f"{tag}_2_quoted")
    for junk, why in (("150.5", "150.5"), ("abc", "abc")):
        type_points(browser, junk)
        wait_for(browser, lambda: modal_text(browser), f"the message for {junk}")
        message = modal_text(browser)
        assert "whole number of points" in message and why in message, message
        shot(browser, f"{tag}_3_refused_{junk.replace('.', '_')}")
        close_modals(browser)
    assert figures(browser)[-1]  # nothing was saved (the form is still new)


def test_point_of_sale_page_redeems_with_the_app_code(browser: Any) -> None:
    data = prepare(points=1000, presence=1)
    try:
        browser.get(f"{URL}/app/point-of-sale")
        pos_ready = "const p = frappe.pages['point-of-sale']; return !!(p && p.pos && p.pos.frm)"
        wait_for(browser, lambda: js(browser, pos_ready), "the POS page", seconds=60)
        idle(browser)
        shot(browser, "pos_0_loaded")
        # the page may still be showing a message of its own load: it must go, not be clicked
        time.sleep(1)
        if modal_text(browser):
            shot(browser, "pos_0_modal")
            close_modals(browser)
        assert not modal_text(browser), modal_text(browser)
        js(
            browser,
            """
            const [d] = arguments;
            const pos = frappe.pages['point-of-sale'].pos;
            return (async () => {
                await pos.cart.customer_field.set_value(d.customer);
                await frappe.timeout(2);
            })();
            """,
            data,
        )
        idle(browser)
        for code in ("_LGST-SHIRT", "_LGST-SHIRT", "_LGST-BELT"):
            card = wait_for(
                browser,
                lambda c=code: browser.find_element(
                    By.CSS_SELECTOR, f'.item-wrapper[data-item-code="{c}"]'
                ),
                f"the item card {code}",
            )
            card.click()
            idle(browser)
        wait_for(browser, lambda: js(browser, "return cur_pos.frm.doc.net_total === 3000"), "3000")
        shot(browser, "pos_1_cart")
        wait_for(
            browser,
            lambda: js(browser, "return $('.page-actions .dropdown-menu').text()").count(
                "Loyalty Points"
            ),
            "the Loyalty Points menu item",
        )
        browser.find_element(By.CSS_SELECTOR, ".page-actions .menu-btn-group button").click()
        item = "//a[contains(., 'Loyalty Points')] | //*[contains(@class, 'dropdown-item')]"
        item += "[contains(., 'Loyalty Points')]"
        wait_for(browser, lambda: browser.find_element(By.XPATH, item).is_displayed(), "menu")
        browser.find_element(By.XPATH, item).click()
        wait_for(browser, lambda: "usable today" in modal_text(browser), "the balance dialog")
        assert "1000 points (₹1000), usable today 1000" in modal_text(browser)
        box = browser.find_element(
            By.CSS_SELECTOR, '.modal:not([style*="none"]) input[data-fieldname="points"]'
        )
        box.send_keys("300")
        shot(browser, "pos_2_points")
        browser.find_element(By.CSS_SELECTOR, ".modal:not([style*='none']) .btn-primary").click()
        idle(browser)
        doc = "const d = cur_pos.frm.doc; return [d.lgst_points_redeemed, d.discount_amount,"
        got = js(browser, doc + " d.net_total, d.grand_total]")
        assert got == [300, 300, 2700, 2952], got
        # the settings require the member: the check opens next; the app code verifies
        wait_for(browser, lambda: "app shows" in modal_text(browser), "the verify dialog")
        shot(browser, "pos_3_verify")
        code_box = browser.find_element(
            By.CSS_SELECTOR, '.modal:not([style*="none"]) textarea[data-fieldname="app_code"]'
        )
        code_box.send_keys(data["app_code"])
        verify = "//div[contains(@class, 'modal') and contains(@style, 'block')]"
        browser.find_element(By.XPATH, verify + "//button[contains(., 'Verify')]").click()
        idle(browser)
        shot(browser, "pos_3b_after_verify")
        grant = js(browser, "return cur_pos.frm.doc.lgst_presence")
        assert grant and len(grant) > 20, grant
        total = browser.find_element(By.CSS_SELECTOR, ".grand-total-container").text
        assert "2,952.00" in total, total
        shot(browser, "pos_4_verified")
    finally:
        prepare(points=0, presence=0)  # leave the site's settings as they were
