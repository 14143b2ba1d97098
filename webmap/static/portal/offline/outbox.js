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
(function () {
  "use strict";

  var box = document.getElementById("outbox");
  if (!box || !window.Outbox) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var KIND = { report: "上报问题", inspection: "考核评分" };
  var LATER = [408, 409, 425, 429];  // besides 5xx: worth sending again later
  var RETRY_MS = 60000;
  var OFFLINE = "网络未连接：上报和评分先保存在本机，联网后自动上传。";
  var busy = false, shown = false, waiting = 0;

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined) { e.textContent = text; }
    return e;
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
      var link = el("a", "", "重新登录");
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
    meta.appendChild(el("span", "muted", when(record.made_at) + (record.photo ? " · 含照片" : "")));
    meta.appendChild(el("span", "badge", record.state === "failed" ? "未能上传" : "待上传"));
    li.appendChild(meta);
    if (record.state === "failed") {
      li.appendChild(el("p", "outbox-failed", "原因：" + record.message));
      var drop = el("button", "button outbox-drop", "删除这条");
      drop.type = "button";
      drop.addEventListener("click", function () {
        if (window.confirm("删除后无法恢复。确定删除这条未能上传的记录？")) { window.Outbox.remove(record.key); }
      });
      li.appendChild(drop);
    }
    return li;
  }

  function render() {
    return window.Outbox.mine().then(function (records) {
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
          return window.Outbox.remove(record.key).then(function () { return next(i + 1); });
        }
        if (answer.status === 401) { outcome.stop = "login"; return outcome; }
        if (answer.status >= 500 || LATER.indexOf(answer.status) >= 0 || code === "csrf_failed") {
          outcome.stop = "later";  // a token refused just after it was given: the next try asks again
          return outcome;
        }
        outcome.failed += 1;
        record.state = "failed";
        record.message = refusal(answer);
        return window.Outbox.update(record).then(function () { return next(i + 1); });
      }, function () {
        outcome.stop = "offline";
        return outcome;
      });
    }
    return next(0);
  }

  function report(outcome) {
    if (outcome.stop === "offline") { say(OFFLINE); return; }
    if (outcome.stop === "login") { say("登录已失效，请重新登录后上传。记录仍保存在本机。", true); return; }
    var parts = [];
    if (outcome.sent) { parts.push("已上传 " + outcome.sent + " 条。"); }
    if (outcome.failed) { parts.push(outcome.failed + " 条未能上传，原因见下；请据此重新上报或评分。"); }
    if (outcome.stop === "later") { parts.push("门户暂时无法接收，稍后自动重试。"); }
    say(parts.join(""));
  }

  function sendAll(records) {
    var ready = records.filter(function (r) { return r.state === "waiting"; });
    if (!ready.length) { return null; }
    if (!navigator.onLine) { return { sent: 0, failed: 0, stop: "offline" }; }
    say("正在上传…");
    return session().then(function (s) {
      if (typeof s === "string") { return { sent: 0, failed: 0, stop: s }; }
      if (s.user !== box.dataset.user) {
        say("现在登录的是 " + s.user + "：这些记录需其上报人登录后才能上传。", true);
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
      say("本机存储不可用，无法读取待上传的记录。");
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
      if (waiting && !window.confirm("本机还有 " + waiting + " 条记录待上传。退出后它们仍保存在本机，" +
          "您下次登录时自动上传。确定退出？")) {
        event.preventDefault();
      }
    });
  }

  $("outbox-send").addEventListener("click", flush);
  document.addEventListener("outbox:changed", render);
  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { say(OFFLINE); });
  window.setInterval(function () { if (waiting && navigator.onLine) { flush(); } }, RETRY_MS);
  guardSignOut();
  if (!navigator.onLine) { say(OFFLINE); }
  flush();
})();
