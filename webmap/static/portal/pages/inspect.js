/* The inspection form (/inspect): an evaluator picks a road segment, a community or a grid cell —
 * by searching its name or by tapping the map — scores it item by item against its checklist and
 * sends it to POST /api/v1/inspections (JSON, with the CSRF token). The answer's score, or the API's
 * error next to the item (field "items.<code>") or above the button, is shown on the page.
 * Targets come from GET /api/v1/inspection-targets (?q= by name, ?lat=&lon=&near_m= at a tap),
 * the checklists from GET /api/v1/checklists.
 *
 * Without a network a tap picks from the roads and communities drawn on the map (kept by the
 * service worker), and a sheet is kept on the phone under its Idempotency-Key and sent later by the
 * outbox (offline/records.js, offline/outbox.js); the portal checks it as always then.
 *
 * Its texts come in the page's language (data-texts of #inspect: webmap/texts/scores.py
 * scores.inspect_js.*), their {name} parts filled here.
 */
import * as Outbox from "../offline/records.js";
import { addControl, createMap, featuresAt } from "../ui/casemap.js";
import { clearErrors, errorText, newKey, send, showError } from "../ui/forms.js";
import { el } from "../ui/html.js";
import { exposeMap } from "../ui/hooks.js";

function startInspect(root) {
  var $ = function (id) { return document.getElementById(id); };
  var form = $("inspect-form"), list = $("checklist"), results = $("target-results");
  var T = JSON.parse(root.dataset.texts || "{}");
  var m = createMap($("inspect-map"), {
    legend_community: T.legend_community, legend_pin: T.legend_pin, legend_roads: T.legend_roads
  });
  var checklists = null, target = null, sending = false, asked = 0, searchTimer = null;
  var highlight = L.layerGroup().addTo(m.map);
  var TAP_PX = 22;  // a tap this many pixels from a road picks the road

  exposeMap("inspectMap", m.map);
  var hint = addControl(m.map, "topright", "map-hint", "").getContainer();
  hint.appendChild(document.createTextNode(T.map_hint));
  hint.appendChild(document.createElement("br"));
  hint.appendChild(document.createTextNode(T.map_hint_more));

  var OFFLINE_PICK = T.offline_pick;

  // A text with its {name} parts filled in.
  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  // A kind of target (segment, community, village, courtyard, grid) in the page's language.
  function kindName(t) { return T["kind_" + t.kind] || t.kind_zh || t.kind; }

  // The targets API with a query (its URL may carry the page's ?lang=).
  function targetsUrl(query) {
    var url = root.dataset.targetsUrl;
    return url + (url.indexOf("?") < 0 ? "?" : "&") + query;
  }

  // Rejects with the API's message, or with `offline` set when no answer came.
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (b) {
          if (!r.ok) { throw new Error((b.error && b.error.message) || "HTTP " + r.status); }
          return b;
        });
      }, function () {
        var e = new Error(T.offline);
        e.offline = true;
        throw e;
      });
  }

  function fmt(x) { return String(Math.round(x * 10) / 10); }

  getJSON(root.dataset.checklistsUrl).then(function (b) {
    checklists = {};
    b.items.forEach(function (i) { (checklists[i.kind] = checklists[i.kind] || []).push(i); });
    if (target) { showChecklist(); }
  }, function () {
    showError(root, "target", T.checklists_failed);
  });

  // -- choosing the target ------------------------------------------------------------------
  function targetButton(t, onPick) {
    var b = el("button");
    b.type = "button";
    b.appendChild(el("span", "name", t.name));
    b.appendChild(el("span", "badge", kindName(t)));
    if (t.place) { b.appendChild(el("span", "place", t.place)); }
    b.addEventListener("click", function () { onPick(t); });
    return b;
  }

  function showResults(targets, q) {
    results.textContent = "";
    if (!targets.length) {
      results.appendChild(el("li", "none", fill(T.none, { q: q })));
    }
    targets.forEach(function (t) {
      var li = el("li");
      li.appendChild(targetButton(t, function (picked) { choose(picked, [], true); }));
      results.appendChild(li);
    });
    results.hidden = false;
  }

  function search() {
    var q = $("target-q").value.trim(), mine = ++asked;
    if (!q) { results.hidden = true; return; }
    getJSON(targetsUrl("q=" + encodeURIComponent(q))).then(function (b) {
      if (mine === asked) { showResults(b.targets, q); }
    }, function (e) {
      if (mine === asked) { showError(root, "target", e.offline ? OFFLINE_PICK : fill(T.search_failed, { message: e.message })); }
    });
  }

  $("search").addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(searchTimer);
    $("target-q").blur();  // the phone's keyboard goes, the list shows
    search();
  });
  $("target-q").addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(search, 300);
  });

  // Metres a tap's tolerance covers at the map's zoom (Web Mercator).
  function tapMetres(latlng) {
    var perPixel = 40075016.686 * Math.cos(latlng.lat * Math.PI / 180) / Math.pow(2, m.map.getZoom() + 8);
    return Math.min(200, Math.max(3, TAP_PX * perPixel));
  }

  m.map.on("click", function (e) {
    if (sending || root.classList.contains("is-done")) { return; }
    var mine = ++asked, ll = e.latlng;
    var url = targetsUrl("lat=" + ll.lat.toFixed(7) + "&lon=" + ll.lng.toFixed(7) +
      "&near_m=" + tapMetres(ll).toFixed(1));
    showError(root, "target", "");
    getJSON(url).then(function (b) {
      if (mine !== asked) { return; }
      if (!b.targets.length) {
        showError(root, "target", T.nothing_here);
        return;
      }
      choose(b.targets[0], b.targets.slice(1), false);
    }, function (e) {
      if (mine !== asked) { return; }
      if (e.offline) { pickDrawn(ll); } else { showError(root, "target", fill(T.pick_failed, { message: e.message })); }
    });
  });

  // Without a network: the named road nearest the tap, then the community around it, as drawn.
  function pickDrawn(ll) {
    var found = featuresAt(m, ll, TAP_PX), targets = [];
    found.roads.filter(function (f) { return (f.properties.name || "").trim(); }).slice(0, 1)
      .forEach(function (f) { targets.push(drawnTarget("segment", "segment", f)); });
    found.zones.forEach(function (f) { targets.push(drawnTarget("zone", "community", f)); });
    if (!targets.length) { showError(root, "target", OFFLINE_PICK); return; }
    choose(targets[0], targets.slice(1), false);
  }

  function drawnTarget(targetKind, kind, f) {
    return {
      target_kind: targetKind, target_id: f.properties.id, name: f.properties.name, kind: kind,
      checklist_kind: kind, place: T.offline_place, geometry: f.geometry
    };
  }

  function draw(t, zoomTo) {
    highlight.clearLayers();
    var line = t.target_kind === "segment";
    var halo = L.geoJSON(t.geometry, { interactive: false, style: {
      color: "#ffd400", weight: line ? 14 : 5, opacity: 0.85, fill: false } });
    var shape = L.geoJSON(t.geometry, { interactive: false, style: line
      ? { color: "#b3261e", weight: 6, opacity: 1 }
      : { color: "#b3261e", weight: 3, opacity: 1, fillColor: "#ffd400", fillOpacity: 0.18 } });
    highlight.addLayer(halo).addLayer(shape);
    if (zoomTo) { m.map.fitBounds(shape.getBounds(), { maxZoom: 17, padding: [24, 24], animate: false }); }
  }

  // Select a target; `others` are the other candidates at a tapped spot (a road's community...).
  function choose(t, others, zoomTo) {
    target = t;
    results.hidden = true;
    showError(root, "target", "");
    $("chosen-name").textContent = t.name;
    $("chosen-kind").textContent = kindName(t);
    $("chosen-place").textContent = t.place || "";
    var alts = $("alternatives");
    alts.textContent = "";
    if (others.length) {
      alts.appendChild(el("span", "muted", T.change));
      others.forEach(function (o) {
        alts.appendChild(targetButton(o, function (picked) {
          choose(picked, [t].concat(others.filter(function (x) { return x !== picked; })), false);
        }));
      });
    }
    alts.hidden = !others.length;
    $("chosen").hidden = false;
    draw(t, zoomTo);
    showChecklist();
  }

  // -- scoring ------------------------------------------------------------------------------
  function showChecklist() {
    if (!checklists) { return; }
    var items = checklists[target.checklist_kind] || [];
    var kept = {};  // the scores typed so far stay when the same checklist is shown again
    list.querySelectorAll("input[data-code]").forEach(function (i) { kept[i.dataset.code] = i.value; });
    if (list.dataset.kind !== target.checklist_kind) { kept = {}; }
    list.dataset.kind = target.checklist_kind;
    list.textContent = "";
    items.forEach(function (item) { list.appendChild(itemRow(item, kept[item.code] || "")); });
    $("checklist-kind").textContent = fill(T.checklist_of, { kind: kindName({ kind: target.checklist_kind }) });
    clearErrors(form);
    form.hidden = false;
    total();
  }

  function itemRow(item, value) {
    var li = el("li", "check-item"), id = "score-" + item.code;
    li.dataset.code = item.code;
    var head = el("div", "item-head"), label = el("label", "", item.name);
    label.htmlFor = id;
    head.appendChild(label);
    head.appendChild(el("span", "max", fill(T.max, { max: fmt(item.max) })));
    var row = el("div", "item-row"), input = el("input");
    Object.assign(input, { type: "number", id: id, min: "0", max: String(item.max), step: "0.5", value: value });
    input.inputMode = "decimal";
    input.dataset.code = item.code;
    input.dataset.max = item.max;
    input.setAttribute("aria-label", fill(T.item_label, { name: item.name, max: fmt(item.max) }));
    row.appendChild(input);
    [[T.full, item.max], [T.half, item.max / 2], ["0", 0]].forEach(function (q) {
      var b = el("button", "quick", q[0]);
      b.type = "button";
      b.addEventListener("click", function () {
        input.value = String(q[1]);
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
      row.appendChild(b);
    });
    var error = el("p", "field-error");
    error.dataset.error = "items." + item.code;
    error.hidden = true;
    li.appendChild(head);
    li.appendChild(row);
    li.appendChild(error);
    return li;
  }

  function scores() {
    var out = {}, missing = 0, sum = 0, most = 0;
    list.querySelectorAll("input[data-code]").forEach(function (i) {
      most += Number(i.dataset.max);
      if (i.value === "" || isNaN(Number(i.value))) { missing += 1; return; }
      out[i.dataset.code] = Number(i.value);
      sum += Number(i.value);
    });
    return { items: out, missing: missing, total: most ? 100 * sum / most : 0 };
  }

  function total() {
    var s = scores();
    $("total").textContent = fmt(s.total);
    $("missing").textContent = s.missing ? fill(T.missing, { n: s.missing }) : "";
  }

  form.addEventListener("input", function (event) {
    var row = event.target.closest(".check-item");
    if (row) {  // an edited item's old error goes
      row.classList.remove("has-error");
      showError(row, "items." + row.dataset.code, "");
    }
    total();
  });

  function setSending(on) {
    sending = on;
    $("send").disabled = on;
    $("send").textContent = on ? T.sending : T.send;
  }

  function showProblem(answer) {
    var field = (answer.body && answer.body.error && answer.body.error.field) || "";
    var slot = form.querySelector("[data-error='" + field + "']") ? field : "form";
    if (field === "target_id" || field === "target_kind") { slot = "form"; }
    showError(form, slot, errorText(answer));
    var box = form.querySelector("[data-error='" + slot + "']");
    var row = box.closest(".check-item");
    if (row) { row.classList.add("has-error"); }
    (row || box).scrollIntoView({ behavior: "smooth", block: "center" });
  }

  var key = null, lastBody = null, tried = false;  // a retry of the same scores reuses its Idempotency-Key

  function showDone(title, message) {
    $("result-title").textContent = title;
    $("result-message").textContent = message;
    $("result").hidden = false;
    root.classList.add("is-done");
    list.querySelectorAll("input").forEach(function (i) { i.disabled = true; });
    window.scrollTo({ top: 0 });
  }

  // What the portal would refuse in a sheet, said now (offline, nobody else can): an item left
  // out or over its maximum.
  function unscorable() {
    var bad = null;
    list.querySelectorAll("input[data-code]").forEach(function (i) {
      var v = Number(i.value), max = Number(i.dataset.max);
      if (bad) { return; }
      if (i.value === "" || isNaN(v)) { bad = { field: "items." + i.dataset.code, message: T.need_score }; }
      else if (v < 0 || v > max) { bad = { field: "items." + i.dataset.code, message: fill(T.range, { max: fmt(max) }) }; }
    });
    return bad;
  }

  // Keep the sheet for the outbox. One never sent carries the time it was scored; one whose
  // sending got no answer is kept exactly as sent, since the portal may have it: the same key and
  // body then get its first answer, not a second inspection.
  function keep(body, chosen) {
    var bad = unscorable();
    if (bad) { showProblem({ status: 400, body: { error: bad } }); return; }
    var total = fmt(scores().total);
    Outbox.keep({
      key: key, kind: "inspection", url: root.dataset.postUrl, photo: false,
      json: tried ? body : Object.assign({}, body, { inspected_at: new Date().toISOString() }),
      label: fill(T.outbox_label, { name: chosen.name, kind: kindName(chosen), total: total })
    }).then(function () {
      lastBody = null;
      showDone(T.kept_title, fill(T.kept, { name: chosen.name, total: total }));
    }, function () {
      showError(form, "form", T.keep_failed);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending || !target) { return; }
    clearErrors(form);
    list.querySelectorAll(".has-error").forEach(function (r) { r.classList.remove("has-error"); });
    var body = { target_kind: target.target_kind, target_id: target.target_id, items: scores().items };
    var chosen = target, sent = JSON.stringify(body);
    if (sent !== lastBody) { key = newKey(); lastBody = sent; tried = false; }  // an edited form is a new one
    if (Outbox.here() && !navigator.onLine) { keep(body, chosen); return; }
    tried = true;
    setSending(true);
    send(root.dataset.postUrl, body, { "Idempotency-Key": key }).then(function (answer) {
      setSending(false);
      if (answer.status !== 201) { showProblem(answer); return; }
      lastBody = null;  // recorded: the next inspection, even with the same scores, is a new one
      showDone(fill(T.sent_title, { panel: root.dataset.panelName || answer.body.panel_zh }),
        fill(T.sent, { name: chosen.name, score: fmt(answer.body.score) }));
    }, function () {
      setSending(false);
      if (Outbox.here()) { keep(body, chosen); return; }
      showError(form, "form", T.network);
    });
  });

  $("again").addEventListener("click", function () {
    target = null;
    highlight.clearLayers();
    list.textContent = "";
    delete list.dataset.kind;
    form.hidden = true;
    $("chosen").hidden = true;
    $("result").hidden = true;
    $("target-q").value = "";
    results.hidden = true;
    root.classList.remove("is-done");
    window.scrollTo({ top: 0 });
    m.map.invalidateSize();
  });
}

var root = document.getElementById("inspect");
if (root) { startInspect(root); }
