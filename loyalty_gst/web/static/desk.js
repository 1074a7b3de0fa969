// The billing desk: look the member up, add items, quote (pre-tax loyalty discount, GST
// per rate) with the member's OTP or app code, commit once, open the receipt. Nothing is
// kept half-done: a quote holds points on the server only; a commit that got no answer
// is sent again under the same key, which the server answers once.
"use strict";
const $ = (id) => document.getElementById(id);
const cart = [];
let sale = null, hold = null, points = 0, key = null, challenge = null, pending = null;
let held = null; // a draft waiting for (or given) the owner's approval: quoted again as is

function resetSale() {
  cart.length = 0; sale = hold = pending = challenge = held = null; points = 0; key = null;
  $("askowner").hidden = true;
  $("cart").tBodies[0].textContent = "";
  $("quoted").hidden = true; $("commit").disabled = true; $("retry").hidden = true;
  $("receipt").hidden = true; $("done").hidden = true;
  $("points").value = "0"; $("otp").value = ""; $("appcode").value = "";
  banner("");
}

function fail(e) {
  banner(e instanceof NetworkError ? WORDS.unreachable : e.message);
}

async function whoami() {
  if (!staffToken()) { location.href = "/"; return; }
  try {
    const who = await api("GET", "/v1/desk/whoami");
    if (who.kind !== "terminal") { banner("A till's token is needed here."); return; }
    $("who").textContent = who.store + " · " + who.terminal + " · " + who.gstin;
  } catch (e) { fail(e); }
}

$("lookup").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const m = await api("POST", "/v1/customers/lookup", { mobile: $("mobile").value });
    $("balance").textContent = m.balance;
    $("available").textContent = m.available;
    $("tier").textContent = m.tier;
    $("member").hidden = false;
    $("optin").hidden = false;
    banner("");
  } catch (e) { $("member").hidden = true; fail(e); }
});

function drawCart() {
  const body = $("cart").tBodies[0];
  body.textContent = "";
  cart.forEach((it, i) => {
    const tr = body.insertRow();
    cell(tr, it.line.sku + " " + it.line.description);
    cell(tr, it.qty);
    cell(tr, rupees(it.line.unit_price), "num");
    cell(tr, it.line.gst_rate + "%");
    const x = document.createElement("button");
    x.type = "button"; x.textContent = "×";
    x.addEventListener("click", () => { cart.splice(i, 1); drawCart(); stale(); });
    tr.insertCell().appendChild(x);
  });
}

function stale() {
  sale = hold = held = null; $("commit").disabled = true; $("quoted").hidden = true;
  $("askowner").hidden = true;
}

$("additem").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const code = $("code").value.trim();
  try {
    const line = await api("GET", "/v1/desk/items/" + encodeURIComponent(code));
    cart.push({ code, qty: $("qty").value.trim() || "1", line });
    drawCart(); stale();
    $("code").value = ""; $("qty").value = "1"; $("code").focus();
    banner("");
  } catch (e) { fail(e); }
});

$("sendotp").addEventListener("click", async () => {
  try {
    const c = await api("POST", "/v1/presence/otp", { mobile: $("mobile").value });
    challenge = c.challenge_id;
    banner("OTP ✓", true);
  } catch (e) { fail(e); }
});

function proof() {
  const app = $("appcode").value.trim();
  if (app) return { app_code: app };
  const otp = $("otp").value.trim();
  if (otp && challenge) return { challenge_id: challenge, otp };
  return null;
}

$("quote").addEventListener("click", async () => {
  if (!cart.length) return;
  points = parseInt($("points").value || "0", 10) || 0;
  const mobile = $("mobile").value.trim() || null;
  try {
    sale = held || await api("POST", "/v1/desk/draft", {
      lines: cart.map((it) => ({ code: it.code, qty: it.qty })), mobile,
    });
    let q;
    try {
      q = await api("POST", "/v1/quote", { sale, points, presence: points ? proof() : null });
    } catch (e) {
      if (e.problem && e.problem.code === "approval_required") {
        held = sale;
        $("askowner").hidden = false;
      }
      throw e;
    }
    hold = q.hold_key;
    key = sale.store + ":" + sale.number + ":" + crypto.randomUUID();
    showQuote(q.invoice);
    $("commit").disabled = false;
    banner("");
  } catch (e) { stale(); fail(e); }
});

function showQuote(inv) {
  const rates = {};
  for (const l of inv.lines) {
    const r = (rates[l.gst_rate] = rates[l.gst_rate] || { taxable: 0, tax: 0 });
    r.taxable += Number(l.taxable_value);
    r.tax += Number(l.cgst) + Number(l.sgst) + Number(l.igst) + Number(l.cess);
  }
  const body = $("taxes").tBodies[0];
  body.textContent = "";
  for (const rate of Object.keys(rates).sort((a, b) => a - b)) {
    const tr = body.insertRow();
    cell(tr, rate + "%");
    cell(tr, rupees(rates[rate].taxable), "num");
    cell(tr, rupees(rates[rate].tax), "num");
  }
  $("discount").textContent = rupees(inv.totals.loyalty_discount);
  $("total").textContent = rupees(inv.totals.grand_total);
  $("quoted").hidden = false;
}

async function commit() {
  const req = pending || { key, sale, points, hold_key: hold };
  pending = req;
  $("commit").disabled = true;
  try {
    const done = await api("POST", "/v1/commit", req);
    pending = null;
    $("retry").hidden = true;
    $("balance").textContent = done.balance;
    $("done").textContent = done.invoice.number + " ✓ −" + done.points_redeemed + " +" +
      (done.points_earned + done.bonus_points) + " → " + done.balance + " " + WORDS.points;
    $("done").hidden = false;
    $("receipt").dataset.number = done.invoice.number;
    $("receipt").hidden = false;
    banner(done.invoice.number + " ✓", true);
  } catch (e) {
    if (e instanceof NetworkError) {
      banner(WORDS.unconfirmed);
      $("retry").hidden = false;
    } else {
      pending = null;
      banner(e.message);
      $("commit").disabled = false;
    }
  }
}

$("askowner").addEventListener("click", async () => {
  try {
    const a = await api("POST", "/v1/approvals", {
      invoice_number: held.number, mobile: $("mobile").value, points,
    });
    $("askowner").hidden = true;
    banner(WORDS.waiting_owner, true);
    for (;;) {
      const now = await api("GET", "/v1/approvals/" + a.id);
      if (now.status === "approved") { banner(WORDS.owner_approved, true); return; }
      if (now.status === "rejected") { held = null; banner(WORDS.owner_rejected); return; }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } catch (e) { fail(e); }
});

$("consent").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const purposes = [...$("consent").querySelectorAll("input:checked")].map((b) => b.name);
  try {
    await api("POST", "/v1/desk/consent",
      { mobile: $("mobile").value, purposes, wording: $("consent").dataset.wording });
    banner(WORDS.consent + " ✓", true);
  } catch (e) { fail(e); }
});

$("commit").addEventListener("click", commit);
$("retry").addEventListener("click", commit);
$("newsale").addEventListener("click", resetSale);

$("receipt").addEventListener("click", async (ev) => {
  ev.preventDefault();
  const number = $("receipt").dataset.number;
  try {
    const pdf = await api("GET", "/v1/documents/" + encodeURIComponent(number) + ".pdf?format=receipt");
    window.open(URL.createObjectURL(pdf), "_blank");
  } catch (e) { fail(e); }
});

whoami();
