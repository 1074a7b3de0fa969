// The member's page: sign in by mobile + WhatsApp code; the app code as a QR; consent
// switches; erase. The session is an HttpOnly cookie this script never sees.
"use strict";
const $ = (id) => document.getElementById(id);
let challenge = null;

if ($("ask")) {
  $("ask").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const c = await api("POST", "/me/otp", { mobile: $("mobile").value }, { member: true });
      challenge = c.challenge_id;
      $("verify").hidden = false; $("otp").focus();
      banner("");
    } catch (e) { banner(e.message); }
  });
  $("verify").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("POST", "/me/sign-in",
        { mobile: $("mobile").value, challenge_id: challenge, otp: $("otp").value }, { member: true });
      location.reload();
    } catch (e) { banner(e.message); }
  });
}

async function newCode() {
  try {
    const c = await api("GET", "/me/app-code", undefined, { member: true });
    $("qr").src = c.qr; $("qr").hidden = false;
    $("appcode").textContent = c.code;
  } catch (e) { banner(e.message); }
}

if ($("newcode")) {
  $("newcode").addEventListener("click", newCode);
  newCode();
  $("consent").addEventListener("change", async (ev) => {
    const box = ev.target;
    try {
      await api("POST", "/me/consent",
        { purpose: box.name, granted: box.checked, wording: $("consent").dataset.wording },
        { member: true });
      banner("✓", true);
    } catch (e) { box.checked = !box.checked; banner(e.message); }
  });
  $("erase").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("POST", "/me/erase", { confirm: $("confirm").value }, { member: true });
      location.href = "/";
    } catch (e) { banner(e.message); }
  });
  $("signout").addEventListener("click", async () => {
    await api("POST", "/me/sign-out", {}, { member: true });
    location.reload();
  });
}
