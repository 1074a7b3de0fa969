"use strict";
document.getElementById("staff").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const token = document.getElementById("token").value.trim();
  sessionStorage.setItem("lgst_token", token);
  try {
    const who = await api("GET", "/v1/desk/whoami");
    location.href = who.kind === "admin" ? "/admin" : "/desk";
  } catch (e) {
    sessionStorage.removeItem("lgst_token");
    banner(e.message);
  }
});
