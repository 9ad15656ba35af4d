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

function age(since) {
  if (!since) return "";
  const s = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 1000));
  return s < 120 ? s + " s" : s < 7200 ? Math.round(s / 60) + " min" : Math.round(s / 3600) + " h";
}

function tags(list) { return list.slice().sort((a, b) => a - b).join(", "); }

function dsKey(d) { return d.keyTag + "/" + d.algorithm + "/" + d.digestType; }

function sameDs(a, b) {
  if (a === null || b === null) return false;
  const x = a.map(dsKey).sort(), y = b.map(dsKey).sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

// Per signer, under the key rows: which keys' RRSIGs cover its DNSKEY RRset, and the CDS and
// CDNSKEY it serves against the parent's DS (RFC 8901 §8: every signer serves the same CDS set).
function statusRows(z) {
  const sig = el("tr", { class: "rrsig-row" }, el("th", { colspan: "3" }, "DNSKEY RRSIG by"));
  const cds = el("tr", { class: "cds-row" }, el("th", { colspan: "3" }, "CDS served (vs parent DS)"));
  const cdnskey = el("tr", { class: "cdnskey-row" }, el("th", { colspan: "3" }, "CDNSKEY served"));
  for (const s of z.signers) {
    const ownKsks = z.keys.filter(k => k.owner === s.id && k.role !== "ZSK" && k.publishedAt.includes(s.id)).map(k => k.tag);
    const byOwn = s.dnskeyRrsigTags.some(t => ownKsks.includes(t));
    sig.append(el("td", { class: !s.observedAt ? "absent" : byOwn ? "own" : "halted", "data-signer": s.id, "data-rrsig": s.dnskeyRrsigTags.join(",") },
      !s.observedAt ? "not observed" : s.dnskeyRrsigTags.length ? tags(s.dnskeyRrsigTags) + (byOwn ? " ✓" : " (no own KSK)") : "unsigned"));
    const match = sameDs(s.servedCds, z.parentDs);
    cds.append(el("td", { class: !s.servedCds.length ? "absent" : match ? "own" : "pending", "data-signer": s.id, "data-cds": s.servedCds.map(d => d.keyTag).join(",") },
      s.servedCds.length ? tags(s.servedCds.map(d => d.keyTag)) + (match ? " = DS" : " ≠ DS") : "none"));
    cdnskey.append(el("td", { class: s.servedCdnskeyTags.length ? "" : "absent", "data-signer": s.id }, tags(s.servedCdnskeyTags) || "none"));
  }
  return [sig, cds, cdnskey];
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
      el("td", {}, age(p.since)), el("td", {}, p.until || ""), el("td", {}, remaining(p.until)))));
  fill(document.querySelector("#signers tbody"), z.signers.map(s =>
    el("tr", {}, el("td", {}, s.id), el("td", {}, s.phase), el("td", {}, s.phaseSince || ""), el("td", {}, s.waitUntil || ""),
      el("td", {}, s.observedAt || ""), el("td", { class: s.failingSince ? "halted" : "" }, s.failingSince || ""),
      el("td", {}, s.pendingCommands.map(c => c.kind + " " + c.keyTags.join(",")).join("; ")))));
  // the signer × key matrix: which signer serves which key
  const signers = z.signers.map(s => s.id);
  const bySigner = Object.fromEntries(z.signers.map(s => [s.id, s.dnskeyRrsigTags]));
  document.querySelector("#matrix thead").replaceChildren(
    el("tr", {}, el("th", {}, "key"), el("th", {}, "role"), el("th", {}, "owner"),
      ...signers.map(s => el("th", {}, s))));
  fill(document.querySelector("#matrix tbody"), z.keys.map(k => {
    const cells = signers.map(s => {
      let state = "absent", text = "–";
      if (k.publishedAt.includes(s)) { state = "own"; text = "own"; }
      else if (k.importedAt.includes(s)) { state = "imported"; text = "imported"; }
      else if (k.importPendingAt.includes(s)) { state = "pending"; text = "pending"; }
      const signs = bySigner[s].includes(k.tag) && state !== "absent";
      return el("td", { class: state, "data-key": String(k.tag), "data-signer": s, "data-signs-dnskey": String(signs) },
        text + (signs ? " ✍ DNSKEY" : ""));
    });
    return el("tr", { "data-key": String(k.tag) }, el("td", {}, k.tag + (k.retiredSince ? " (retired)" : "")),
      el("td", {}, k.role), el("td", {}, k.owner), ...cells);
  }).concat(statusRows(z)));
  const ds = z.parentDs === null ? "not observed yet"
    : z.parentDs.map(d => d.keyTag + " alg " + d.algorithm + " digest " + d.digestType).join(", ") || "none (insecure)";
  const pending = z.pendingDsRequest ? " · DS change asked: " + z.pendingDsRequest.dsKeyTags.join(", ")
    + (z.pendingDsRequest.issuedAt ? " (" + age(z.pendingDsRequest.issuedAt) + " ago)" : "") : "";
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
