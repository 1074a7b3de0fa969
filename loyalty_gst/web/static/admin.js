// The owner's dashboard: live commits (server-sent events read through fetch, so the
// admin token goes in a header, never in a URL), today's figures, charts, held
// redemptions, tokens.
"use strict";
const $ = (id) => document.getElementById(id);

async function live() {
  const state = $("livestate");
  for (;;) {
    try {
      const reply = await fetch("/v1/events", {
        headers: { Authorization: "Bearer " + staffToken() }, cache: "no-store",
      });
      if (!reply.ok) { banner("HTTP " + reply.status); return; }
      state.textContent = "●";
      const reader = reply.body.getReader();
      const text = new TextDecoder();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += text.decode(value, { stream: true });
        let cut;
        while ((cut = buf.indexOf("\n\n")) >= 0) {
          const chunk = buf.slice(0, cut); buf = buf.slice(cut + 2);
          const data = chunk.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("");
          if (data) show(JSON.parse(data));
        }
      }
    } catch (e) { /* reconnect below */ }
    state.textContent = "○";
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function show(ev) {
  const got = Date.now();
  const body = $("live").tBodies[0];
  const tr = body.insertRow(0);
  tr.className = "fresh";
  tr.dataset.number = ev.number || "";
  tr.dataset.lagMs = ev.at ? String(got - ev.at) : "";
  cell(tr, new Date(ev.at || got).toLocaleTimeString("en-IN", { timeZone: "Asia/Kolkata", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false }));
  cell(tr, (ev.store || "") + " · " + (ev.kind || "") + " " + (ev.number || ""));
  cell(tr, ev.total ? rupees(ev.total) : "", "num");
  cell(tr, ev.points ? "−" + ev.points : "", "num");
  while (body.rows.length > 50) body.deleteRow(-1);
  setTimeout(() => tr.classList.remove("fresh"), 3000);
  today();
}

async function today() {
  try {
    const d = await api("GET", "/v1/dashboard/today");
    $("day").textContent = d.date;
    const body = $("today").tBodies[0];
    body.textContent = "";
    for (const r of d.rows) {
      const tr = body.insertRow();
      cell(tr, r.store + " · " + r.channel);
      cell(tr, rupees(r.sales), "num"); cell(tr, r.points_redeemed, "num");
      cell(tr, rupees(r.gst_foregone), "num");
    }
    const foot = $("today").tFoot; foot.textContent = "";
    const tr = foot.insertRow();
    cell(tr, WORDS.total + " (" + d.totals.documents + ")");
    cell(tr, rupees(d.totals.sales), "num"); cell(tr, d.totals.points_redeemed, "num");
    cell(tr, rupees(d.totals.gst_foregone), "num");
  } catch (e) { banner(e.message); }
}

async function charts() {
  try {
    // the last twelve months, from the first of the month eleven months ago
    const now = new Date();
    const first = new Date(Date.UTC(now.getFullYear(), now.getMonth() - 11, 1));
    const span = "?from=" + first.toISOString().slice(0, 10) + "&to=" + now.toISOString().slice(0, 10);
    const box = $("charts");
    box.textContent = "";
    for (const n of ["points", "gst_foregone", "cohorts"]) {
      const png = await api("GET", "/v1/reports/analytics/" + n + ".png" + span);
      const img = document.createElement("img");
      img.alt = n; img.src = URL.createObjectURL(png);
      box.appendChild(img);
    }
  } catch (e) { banner(e.message); }
}

async function held() {
  const body = $("held").tBodies[0];
  body.textContent = "";
  let rows = [];
  try { rows = await api("GET", "/v1/approvals?status=pending"); } catch (e) { rows = null; }
  if (!rows || !rows.length) {
    const tr = body.insertRow(); cell(tr, WORDS.none).colSpan = 4; return;
  }
  for (const r of rows) {
    const tr = body.insertRow();
    cell(tr, r.store); cell(tr, r.invoice_number); cell(tr, r.points, "num");
    const td = tr.insertCell();
    for (const [label, verb] of [[WORDS.approve, "approve"], [WORDS.reject, "reject"]]) {
      const b = document.createElement("button");
      b.type = "button"; b.textContent = label;
      b.addEventListener("click", async () => {
        try { await api("POST", "/v1/approvals/" + r.id + "/" + verb, {}); held(); }
        catch (e) { banner(e.message); }
      });
      td.appendChild(b);
    }
  }
}

async function tokens() {
  try {
    const rows = await api("GET", "/v1/tokens");
    const body = $("tokens").tBodies[0];
    body.textContent = "";
    for (const r of rows) {
      const tr = body.insertRow();
      cell(tr, r.id.slice(0, 6) + "… " + r.kind + " " + (r.store || "") + " " + (r.terminal || ""));
      cell(tr, (r.created_at || "").slice(0, 10));
      const td = cell(tr, (r.revoked_at || "").slice(0, 10));
      if (!r.revoked_at) {
        const b = document.createElement("button");
        b.type = "button"; b.textContent = WORDS.revoke; b.className = "danger";
        b.addEventListener("click", async () => {
          try { await api("DELETE", "/v1/tokens/" + r.id); tokens(); } catch (e) { banner(e.message); }
        });
        td.appendChild(b);
      }
    }
  } catch (e) { banner(e.message); }
}

if (!staffToken()) location.href = "/";
else { live(); today(); charts(); held(); tokens(); }
