// interpreter/serve/web/workbench.js — the workbench's behaviour: build a case from the form
// (or take pasted JSON), call the /v1 API, and show the claim the way a coder reads it.
// Plain DOM and fetch, no framework: the page is compiled into the server and must work
// with nothing else installed.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const LIMBS = ["right_arm", "left_arm", "right_leg", "left_leg"];
const NCS_TYPES = ["motor", "sensory", "mixed", "h_reflex"];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function options(values, selected) {
  return values.map((v) => { const o = el("option", { value: v }, v); if (v === selected) o.selected = true; return o; });
}

function status(text) { $("#status").textContent = text; }

async function api(path, init) {
  const response = await fetch(path, init);
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json() : await response.text();
  return { ok: response.ok, status: response.status, body };
}

const policy = () => $("#policy").value;

// --- the study form ---------------------------------------------------------------------

function addLimb(limb = "", muscles = []) {
  const used = [...document.querySelectorAll(".limb select")].map((s) => s.value);
  const choice = limb || LIMBS.find((l) => !used.includes(l)) || LIMBS[0];
  const chips = el("span", { class: "chips" });
  const input = el("input", { class: "muscle-input", list: "muscle-names", placeholder: "muscle, e.g. APB", size: "16" });
  const add = () => {
    for (const name of input.value.split(",").map((s) => s.trim()).filter(Boolean)) addChip(chips, name);
    input.value = "";
  };
  input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); add(); } });
  input.addEventListener("change", () => { if (input.value && musclesKnown.has(input.value)) add(); });
  const row = el("div", { class: "limb" },
    el("select", { "aria-label": "limb" }, ...options(LIMBS, choice)), " ", chips, " ", input,
    el("button", { type: "button", onclick: add }, "Add"),
    el("button", { type: "button", class: "remove", onclick: () => row.remove() }, "Remove limb"));
  muscles.forEach((m) => addChip(chips, m));
  $("#limbs").append(row);
  return row;
}

function addChip(chips, name) {
  const chip = el("span", { class: "chip", "data-muscle": name }, name,
    el("button", { type: "button", title: "remove", onclick: () => chip.remove() }, "×"));
  chips.append(chip);
}

function addNcs(nerve = "", side = "right", type = "motor", fWave = false) {
  const row = el("tr", {},
    el("td", {}, el("input", { class: "nerve", value: nerve, size: "10", placeholder: "median" })),
    el("td", {}, el("select", { class: "side" }, ...options(["right", "left"], side))),
    el("td", {}, el("select", { class: "type" }, ...options(NCS_TYPES, type))),
    el("td", {}, el("input", { class: "f-wave", type: "checkbox" })),
    el("td", {}, el("button", { type: "button", onclick: () => row.remove() }, "×")));
  $(".f-wave", row).checked = fWave;
  $("#ncs").append(row);
  return row;
}

function addClaimLine(code = "", units = 1, modifiers = "") {
  const row = el("tr", {},
    el("td", {}, el("input", { class: "code", value: code, size: "6" })),
    el("td", {}, el("input", { class: "units", type: "number", min: "1", max: "9999", value: units, style: "width:4em" })),
    el("td", {}, el("input", { class: "modifiers", value: modifiers, size: "8", placeholder: "26 59" })),
    el("td", {}, el("button", { type: "button", onclick: () => row.remove() }, "×")));
  $("#claim-lines").append(row);
  return row;
}

function caseFromForm() {
  const c = { id: $("#case-id").value.trim() || "workbench" };
  if ($("#dos").value) c.date_of_service = $("#dos").value;
  c.provider_role = $("#role").value;
  const dx = $("#diagnoses").value.split(/[,\s]+/).filter(Boolean);
  if (dx.length) c.diagnoses = dx;
  const limbs = [...document.querySelectorAll(".limb")].map((row) => ({
    limb: $("select", row).value,
    muscles: [...row.querySelectorAll(".chip")].map((chip) => chip.dataset.muscle),
  })).filter((l) => l.muscles.length);
  if (limbs.length) c.extremities = limbs;
  const ncs = [...document.querySelectorAll("#ncs tr")].map((row) => {
    const n = { nerve: $(".nerve", row).value.trim(), side: $(".side", row).value, type: $(".type", row).value };
    // Sent as ticked: an F-wave on a sensory row is the case reader's located error to show,
    // not a fact dropped without a word.
    if ($(".f-wave", row).checked) n.f_wave = true;
    return n;
  }).filter((n) => n.nerve);
  if (ncs.length) c.nerve_conduction = ncs;
  const claim = [...document.querySelectorAll("#claim-lines tr")].map((row) => ({
    code: $(".code", row).value.trim(),
    units: Number($(".units", row).value || 0),
    modifiers: $(".modifiers", row).value.split(/[\s,]+/).filter(Boolean),
  })).filter((l) => l.code);
  if (claim.length) c.claim = claim;
  return c;
}

let usingJson = false;
function showTab(json) {
  usingJson = json;
  $("#study-form").hidden = json;
  $("#json-pane").hidden = !json;
  $("#tab-form").classList.toggle("active", !json);
  $("#tab-json").classList.toggle("active", json);
  if (json && !$("#case-json").value.trim()) $("#case-json").value = JSON.stringify(caseFromForm(), null, 2);
}

function caseText() {
  return usingJson ? $("#case-json").value : JSON.stringify(caseFromForm());
}

// --- showing results --------------------------------------------------------------------

function showError(body) {
  const box = $("#error");
  if (!body) { box.hidden = true; return; }
  const text = typeof body === "string" ? body : [body.error, body.path && `at ${body.path}`, body.help && `help: ${body.help}`].filter(Boolean).join("\n");
  box.textContent = text;
  box.hidden = false;
}

function because(list) {
  return list && list.length ? el("div", { class: "because" }, ...list.map((b) => el("div", {}, "because " + b))) : "";
}

function fillTable(tbody, rows) {
  tbody.replaceChildren(...rows);
}

function showResult(r) {
  $("#claim").hidden = false;
  $("#claim-policy").textContent = `case ${r.case}, policy ${r.policy}`;
  fillTable($("#claim-table tbody"), r.lines.length ? r.lines.map((l) => el("tr", {},
    el("td", {}, el("strong", {}, l.code)), el("td", {}, l.units), el("td", {}, l.modifiers.join(" ") || "-"),
    el("td", {}, l.rule, because(l.because)), el("td", { class: "cite" }, l.cite))) :
    [el("tr", {}, el("td", { colspan: "5" }, "no billable lines"))]);
  $("#edits").replaceChildren(...r.edits.map((e) => el("li", {},
    el("span", { class: `sev ${e.severity}` }, e.severity), " ", e.code ? el("strong", {}, e.code + ": ") : "",
    e.message, " ", el("span", { class: "muted" }, `[${e.rule}] ${e.cite}`), because(e.because))));
  if (!r.edits.length) $("#edits").append(el("li", { class: "muted" }, "none"));
  $("#documentation").replaceChildren(...r.documentation.map((d) => el("li", {}, d)));
  $("#review").hidden = !r.review;
  if (r.review) {
    fillTable($("#review-table tbody"), r.review.map((v) => el("tr", {},
      el("td", {}, v.code), el("td", {}, v.units), el("td", {}, v.modifiers.join(" ") || "-"),
      el("td", {}, el("span", { class: `verdict ${v.status}` }, v.status)), el("td", {}, v.units_allowed),
      el("td", {}, ...(v.reasons.length ? v.reasons.map((x) => el("div", {}, x.message, " ", el("span", { class: "muted" }, `[${x.rule}]`))) : ["-"])))));
    $("#unbilled").replaceChildren(...(r.unbilled.length ? r.unbilled.map((l) => el("li", {}, `${l.code} x${l.units} `, el("span", { class: "muted" }, `[${l.rule}]`))) : [el("li", { class: "muted" }, "none")]));
  }
  $("#raw pre").textContent = JSON.stringify(r, null, 2);
}

async function run(extra = "") {
  showError(null);
  // Answers about an earlier study must not sit beside this one's claim.
  if (!extra) $("#why-not-result").hidden = true;
  $("#comparison").hidden = true;
  status("coding…");
  const res = await api(`/v1/evaluate?policy=${encodeURIComponent(policy())}&explain=true${extra}`, { method: "POST", headers: { "content-type": "application/json" }, body: caseText() });
  status(res.ok ? "" : `HTTP ${res.status}`);
  if (!res.ok) { showError(res.body); return null; }
  showResult(res.body);
  // The policy was reloaded since the page read its version: read it again.
  if (res.body.fingerprint && res.body.fingerprint !== shownFingerprint) refreshPolicies();
  return res.body;
}

async function whyNot() {
  const code = $("#why-not-code").value.trim();
  if (!code) return;
  const r = await run(`&why_not=${encodeURIComponent(code)}`);
  const box = $("#why-not-result");
  if (!r) return;
  box.hidden = false;
  $("ul", box).replaceChildren(...(r.why_not || [`${code} is on the claim`]).map((w) => el("li", {}, w)));
}

function claimSummary(r) {
  if (!r || r.error) return r ? `error: ${r.error}` : "error";
  return r.lines.map((l) => `${l.code} x${l.units}${l.modifiers.length ? " " + l.modifiers.join(" ") : ""}`).join(", ") || "(nothing billed)";
}

async function compare() {
  showError(null);
  const diff = await api(`/v1/diff?policy=${encodeURIComponent(policy())}`);
  if (!diff.ok) { showError(diff.body); return; }
  const box = $("#comparison");
  box.hidden = false;
  const body = caseText();
  const post = (p) => api(`/v1/evaluate?policy=${encodeURIComponent(p)}`, { method: "POST", headers: { "content-type": "application/json" }, body });
  const [base, payer] = await Promise.all([post(diff.body.base), post(diff.body.policy)]);
  $("#compare-claims").replaceChildren(
    el("p", {}, el("strong", {}, `${diff.body.base}: `), claimSummary(base.body)),
    el("p", {}, el("strong", {}, `${diff.body.policy}: `), claimSummary(payer.body)));
  fillTable($("#changes tbody"), diff.body.changes.map((c) => el("tr", {},
    el("td", {}, `${c.kind} ${c.action}`), el("td", {}, c.name), el("td", { class: "cite" }, c.before),
    el("td", { class: "cite" }, c.after), el("td", {}, c.layer))));
}

// --- start ------------------------------------------------------------------------------

const musclesKnown = new Set();
async function loadMuscles() {
  const res = await api(`/v1/muscles?policy=${encodeURIComponent(policy())}`);
  if (!res.ok) return;
  musclesKnown.clear();
  $("#muscle-names").replaceChildren(...res.body.muscles.map((m) => {
    musclesKnown.add(m.name);
    return el("option", { value: m.name }, m.nerve ? `${m.nerve} ${(m.roots || []).join(" ")}` : "");
  }));
}

// The policies as the server last said, and the fingerprint the header shows.
let policiesKnown = [];
let shownFingerprint = "";
function showVersion() {
  const p = policiesKnown.find((x) => x.name === policy());
  shownFingerprint = p ? p.fingerprint : "";
  $("#fingerprint").textContent = p ? `version ${p.version}, ${p.fingerprint.slice(0, 19)}…` : "";
  return p;
}
async function refreshPolicies() {
  const res = await api("/v1/policies");
  if (!res.ok) return;
  policiesKnown = res.body.policies;
  showVersion();
}

async function start() {
  const res = await api("/v1/policies");
  if (!res.ok) { showError(res.body); return; }
  policiesKnown = res.body.policies;
  $("#policy").replaceChildren(...res.body.policies.map((p) => el("option", { value: p.name }, p.title ? `${p.name}: ${p.title}` : p.name)));
  const showPolicy = () => {
    const p = showVersion();
    // Compare evaluates the study under the base too: only when the server has it loaded.
    const baseLoaded = p && p.base && policiesKnown.some((x) => x.name === p.base);
    $("#compare").disabled = !baseLoaded;
    $("#compare").title = p && p.base && !baseLoaded
      ? `the base policy ${p.base} is not loaded on this server` : "";
    loadMuscles();
  };
  $("#policy").addEventListener("change", showPolicy);
  showPolicy();
  $("#add-limb").addEventListener("click", () => addLimb());
  $("#add-ncs").addEventListener("click", () => addNcs());
  $("#add-claim-line").addEventListener("click", () => addClaimLine());
  $("#tab-form").addEventListener("click", () => showTab(false));
  $("#tab-json").addEventListener("click", () => showTab(true));
  $("#json-from-form").addEventListener("click", () => { $("#case-json").value = JSON.stringify(caseFromForm(), null, 2); });
  $("#run").addEventListener("click", () => run());
  $("#why-not").addEventListener("click", whyNot);
  $("#compare").addEventListener("click", compare);
  addLimb("right_arm");
  addNcs("median", "right", "motor");
  status("ready");
}

start();
