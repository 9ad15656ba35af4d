// Multisigner status page: polls the coordinator's operator API (/zones) and renders it.
// Reads only. When the API requires a bearer token, the operator types it in; it is kept in this
// tab's sessionStorage and sent as "Authorization: Bearer ..." on every read.
"use strict";

const POLL_MS = 2000;
const AUDIT_EVERY = 2; // audit timeline every 2nd poll (it reads the topic)
let selected = decodeURIComponent(location.hash.slice(1)) || null;
let polls = 0;

function token() { return sessionStorage.getItem("multisigner.token") || ""; }

async function get(path) {
  const headers = { Accept: "application/json" };
  if (token()) headers.Authorization = "Bearer " + token();
  const r = await fetch(path, { headers });
  if (r.status === 401) throw new Error("the operator API needs its bearer token: enter it above");
  if (!r.ok) throw new Error(path + ": HTTP " + r.status);
  return r.json();
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c === null || c === undefined ? "" : c);
  return e;
}

function fill(tbody, rows) { tbody.replaceChildren(...rows); }

function remaining(until) {
  if (!until) return "";
  const s = Math.round((Date.parse(until) - Date.now()) / 1000);
  return s <= 0 ? "due" : s + " s";
}

function renderZones(zones) {
  if (!selected && zones.length) selected = zones[0].zone;
  fill(document.querySelector("#zones tbody"), zones.map(z => {
    const tr = el("tr", { "data-zone": z.zone, class: (z.halted ? "halted " : "") + (z.zone === selected ? "selected" : "") },
      el("td", {}, z.zone), el("td", {}, z.status), el("td", {}, z.process),
      el("td", {}, z.signers.map(s => s.id + " " + s.phase).join(", ")),
      el("td", {}, z.haltReason || ""));
    tr.onclick = () => { selected = z.zone; location.hash = z.zone; poll(true); };
    return tr;
  }));
}

function renderZone(z) {
  document.getElementById("zone").hidden = false;
  document.getElementById("zone-name").textContent = z.zone;
  const status = document.getElementById("zone-status");
  status.className = z.halted ? "halted" : "";
  status.textContent = z.status + (z.halted ? " (" + z.haltCause + "): " + z.haltReason : "")
    + " · process " + z.process + (z.wakeAt ? " · next wake-up " + z.wakeAt : "");
  fill(document.querySelector("#processes tbody"), z.processes.map(p =>
    el("tr", {}, el("td", {}, p.process), el("td", {}, p.signer || ""), el("td", {}, p.step),
      el("td", {}, p.until || ""), el("td", {}, remaining(p.until)))));
  fill(document.querySelector("#signers tbody"), z.signers.map(s =>
    el("tr", {}, el("td", {}, s.id), el("td", {}, s.phase), el("td", {}, s.waitUntil || ""),
      el("td", {}, s.observedAt || ""), el("td", { class: s.failingSince ? "halted" : "" }, s.failingSince || ""),
      el("td", {}, s.pendingCommands.map(c => c.kind + " " + c.keyTags.join(",")).join("; ")))));
  // the signer × key matrix: which signer serves which key
  const signers = z.signers.map(s => s.id);
  document.querySelector("#matrix thead").replaceChildren(
    el("tr", {}, el("th", {}, "key"), el("th", {}, "role"), el("th", {}, "owner"),
      ...signers.map(s => el("th", {}, s))));
  fill(document.querySelector("#matrix tbody"), z.keys.map(k => {
    const cells = signers.map(s => {
      let state = "absent", text = "–";
      if (k.publishedAt.includes(s)) { state = "own"; text = "own"; }
      else if (k.importedAt.includes(s)) { state = "imported"; text = "imported"; }
      else if (k.importPendingAt.includes(s)) { state = "pending"; text = "pending"; }
      return el("td", { class: state, "data-key": String(k.tag), "data-signer": s }, text);
    });
    return el("tr", { "data-key": String(k.tag) }, el("td", {}, k.tag + (k.retiredSince ? " (retired)" : "")),
      el("td", {}, k.role), el("td", {}, k.owner), ...cells);
  }));
  const ds = z.parentDs === null ? "not observed yet"
    : z.parentDs.map(d => d.keyTag + " alg " + d.algorithm + " digest " + d.digestType).join(", ") || "none (insecure)";
  const pending = z.pendingDsRequest ? " · DS change asked: " + z.pendingDsRequest.dsKeyTags.join(", ") : "";
  document.getElementById("parent").textContent = "DS at the parent: " + ds + pending
    + " · NS: " + (z.parentNs === null ? "not observed yet" : z.parentNs.join(", "));
}

function renderAudit(events) {
  fill(document.getElementById("audit"), events.slice().reverse().map(e =>
    el("li", { "data-type": e.type }, e.occurredAt + " " + e.type + ": " + e.summary)));
}

async function poll(now) {
  polls++;
  const error = document.getElementById("error");
  try {
    renderZones(await get("/zones"));
    if (selected) {
      renderZone(await get("/zones/" + encodeURIComponent(selected)));
      if (now || polls % AUDIT_EVERY === 1) {
        renderAudit(await get("/zones/" + encodeURIComponent(selected) + "/audit?limit=40"));
      }
    }
    error.hidden = true;
    document.getElementById("updated").textContent = "updated " + new Date().toISOString();
  } catch (e) {
    error.textContent = e.message;
    error.hidden = false;
  }
}

document.getElementById("token-form").onsubmit = ev => {
  ev.preventDefault();
  sessionStorage.setItem("multisigner.token", document.getElementById("token").value);
  document.getElementById("token").value = "";
  poll(true);
};
poll(true);
setInterval(poll, POLL_MS);
