// Shared by every page: the words of the page's language, the banner, and calls to
// the server (a staff token from sessionStorage as the bearer; the member's cookie).
"use strict";
const WORDS = JSON.parse(document.getElementById("words").textContent);

function banner(text, ok) {
  const b = document.getElementById("banner");
  b.textContent = text || "";
  b.hidden = !text;
  b.classList.toggle("ok", !!ok);
}

class NetworkError extends Error {}
class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || ("HTTP " + status));
    this.status = status;
    this.problem = problem || {};
  }
}

function staffToken() { return sessionStorage.getItem("lgst_token"); }

async function api(method, path, body, opts) {
  const headers = { "X-Requested-With": "loyalty-gst" };
  const token = staffToken();
  if (token && !(opts && opts.member)) headers["Authorization"] = "Bearer " + token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let reply;
  try {
    reply = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin", cache: "no-store",
    });
  } catch (e) {
    throw new NetworkError(WORDS.unreachable);
  }
  if (reply.status === 204) return null;
  const type = reply.headers.get("content-type") || "";
  const data = type.includes("json") ? await reply.json() : await reply.blob();
  if (!reply.ok) throw new ApiError(reply.status, data);
  return data;
}

function cell(tr, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  tr.appendChild(td);
  return td;
}

function rupees(x) {
  const n = Number(x); // display only: the amounts themselves come from the server
  return n.toLocaleString("en-IN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}
