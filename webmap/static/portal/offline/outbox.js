/* The outbox on the field pages (待上传, templates/cases/offline.html): what this user filed without
 * a network (records.js), and its sending.
 *
 * It sends when the page opens, when the browser says the network is back, every minute while
 * something waits, and on 立即上传: oldest first, each record under its own Idempotency-Key (the
 * portal answers a repeat with its first answer, so a record whose answer was lost is not filed
 * twice), with a CSRF token asked for just before (the token of a page kept offline may belong to
 * a session that has ended). A record leaves the phone only when the portal has it (a 2xx). A 4xx
 * that can never succeed keeps it, shown as 未能上传 with the portal's message, until the inspector
 * deletes it; an ended sign-in keeps them all and says 请重新登录后上传; no network, or a portal
 * too busy to answer (5xx, 429), leaves them waiting for the next try.
 */
import * as Outbox from "./records.js";

var box = document.getElementById("outbox");  // a field page with the outbox (cases/offline.html)
var $ = function (id) { return document.getElementById(id); };
var T = JSON.parse((box && box.dataset.texts) || "{}");  // this page's language (webmap/i18n_staff.py outbox.*)
var KIND = { report: T.kind_report, inspection: T.kind_inspection };
var LATER = [408, 409, 425, 429];  // besides 5xx: worth sending again later
var RETRY_MS = 60000;
var OFFLINE = T.offline;
var busy = false, shown = false, waiting = 0;

function el(tag, className, text) {
  var e = document.createElement(tag);
  if (className) { e.className = className; }
  if (text !== undefined) { e.textContent = text; }
  return e;
}

// A text with its {name} parts filled in.
function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? String(values[name]) : all; });
}

function pad(n) { return (n < 10 ? "0" : "") + n; }

function when(iso) {
  var d = new Date(iso);
  return pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
}

// The line under the title; `relogin` adds the link to sign in again and come back here.
function say(text, relogin) {
  var status = $("outbox-status");
  status.textContent = text || "";
  if (relogin) {
    var link = el("a", "", T.relogin);
    link.href = box.dataset.loginUrl;
    status.appendChild(document.createTextNode(" "));
    status.appendChild(link);
  }
  if (text) { show(); }
}

function show() {
  shown = true;
  box.hidden = false;
}

function item(record) {
  var li = el("li", "outbox-item state-" + record.state), what = el("div", "outbox-what");
  what.appendChild(el("b", "", KIND[record.kind] || record.kind));
  what.appendChild(el("span", "", record.label));
  li.appendChild(what);
  var meta = el("div", "outbox-meta");
  meta.appendChild(el("span", "muted", when(record.made_at) + (record.photo ? T.photo : "")));
  meta.appendChild(el("span", "badge", record.state === "failed" ? T.failed : T.waiting));
  li.appendChild(meta);
  if (record.state === "failed") {
    li.appendChild(el("p", "outbox-failed", fill(T.reason, { message: record.message })));
    var drop = el("button", "button outbox-drop", T.drop);
    drop.type = "button";
    drop.addEventListener("click", function () {
      if (window.confirm(T.drop_confirm)) { Outbox.remove(record.key); }
    });
    li.appendChild(drop);
  }
  return li;
}

function render() {
  return Outbox.mine().then(function (records) {
    var list = $("outbox-list");
    list.textContent = "";
    records.forEach(function (r) { list.appendChild(item(r)); });
    waiting = records.filter(function (r) { return r.state === "waiting"; }).length;
    $("outbox-count").textContent = String(waiting);
    $("outbox-send").hidden = !waiting;
    if (records.length) { show(); }
    box.hidden = !shown;
    return records;
  });
}

// Who is signed in now, and their CSRF token: {user, csrf_token}, or "login", "offline", "later".
function session() {
  return fetch(box.dataset.sessionUrl, {
    credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" }
  }).then(function (r) {
    if (r.status === 401) { return "login"; }
    return r.ok ? r.json() : "later";
  }, function () { return "offline"; });
}

// POST one record as it was first sent; resolves {status, body}, rejects when no answer came.
function post(record, token) {
  var headers = { "X-CSRFToken": token, "Idempotency-Key": record.key, "Accept": "application/json" };
  var body;
  if (record.form) {
    body = new FormData();
    record.form.forEach(function (pair) { body.append(pair[0], pair[1]); });
  } else {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(record.json);
  }
  return fetch(record.url, { method: "POST", headers: headers, body: body, credentials: "same-origin" })
    .then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) { return { status: r.status, body: b }; });
    });
}

function refusal(answer) {
  var e = answer.body && answer.body.error;
  return (e && e.message) || "HTTP " + answer.status;
}

// Send `records` one after another; resolves {sent, failed, stop} (stop: why it stopped early).
function sendEach(records, token) {
  var outcome = { sent: 0, failed: 0, stop: null };
  function next(i) {
    if (i >= records.length) { return outcome; }
    var record = records[i];
    return post(record, token).then(function (answer) {
      var code = answer.body && answer.body.error && answer.body.error.code;
      if (answer.status >= 200 && answer.status < 300) {
        outcome.sent += 1;
        return Outbox.remove(record.key).then(function () { return next(i + 1); });
      }
      if (answer.status === 401) { outcome.stop = "login"; return outcome; }
      if (answer.status >= 500 || LATER.indexOf(answer.status) >= 0 || code === "csrf_failed") {
        outcome.stop = "later";  // a token refused just after it was given: the next try asks again
        return outcome;
      }
      outcome.failed += 1;
      record.state = "failed";
      record.message = refusal(answer);
      return Outbox.update(record).then(function () { return next(i + 1); });
    }, function () {
      outcome.stop = "offline";
      return outcome;
    });
  }
  return next(0);
}

function report(outcome) {
  if (outcome.stop === "offline") { say(OFFLINE); return; }
  if (outcome.stop === "login") { say(T.login_ended, true); return; }
  var parts = [];
  if (outcome.sent) { parts.push(fill(T.sent, { n: outcome.sent })); }
  if (outcome.failed) { parts.push(fill(T.failed_n, { n: outcome.failed })); }
  if (outcome.stop === "later") { parts.push(T.later); }
  say(parts.join(" "));
}

function sendAll(records) {
  var ready = records.filter(function (r) { return r.state === "waiting"; });
  if (!ready.length) { return null; }
  if (!navigator.onLine) { return { sent: 0, failed: 0, stop: "offline" }; }
  say(T.sending);
  return session().then(function (s) {
    if (typeof s === "string") { return { sent: 0, failed: 0, stop: s }; }
    if (s.user !== box.dataset.user) {
      say(fill(T.other_user, { user: s.user }), true);
      return null;
    }
    return sendEach(ready, s.csrf_token);
  });
}

// One sending at a time, also across this user's open tabs (Web Locks where the browser has them).
function exclusive(work) {
  return navigator.locks ? navigator.locks.request("portal-outbox", work) : work();
}

function flush() {
  if (busy) { return Promise.resolve(); }
  busy = true;
  return exclusive(function () {
    return render().then(sendAll).then(function (outcome) { if (outcome) { report(outcome); } });
  }).catch(function () {
    say(T.storage);
  }).then(function () {
    busy = false;
    return render();
  });
}

// Signing out with records waiting: they stay on the phone for their user; say so first.
function guardSignOut() {
  var form = document.getElementById("logout-form");
  if (!form) { return; }
  form.addEventListener("submit", function (event) {
    if (waiting && !window.confirm(fill(T.signout_confirm, { n: waiting }))) {
      event.preventDefault();
    }
  });
}

function start() {
  $("outbox-send").addEventListener("click", flush);
  document.addEventListener("outbox:changed", render);
  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { say(OFFLINE); });
  window.setInterval(function () { if (waiting && navigator.onLine) { flush(); } }, RETRY_MS);
  guardSignOut();
  if (!navigator.onLine) { say(OFFLINE); }
  flush();
}

if (box) { start(); }
