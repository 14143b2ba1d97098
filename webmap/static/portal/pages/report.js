/* The report form (staff: /report; the public's 随手拍: /reports/new): tap the map (or use the
 * phone's position) to place the pin, pick a category, add a photo and a note, send.
 *
 * The form goes to its action (POST /api/v1/incidents, or /api/public/reports) as multipart with
 * the CSRF token and an Idempotency-Key: one random key per submission, kept while the form is
 * unchanged, so a double tap or a retry after a lost answer files the case once. The answer (which
 * unit, by when; or that it waits for review) or the API's error, shown next to the field it names,
 * is shown on the page. Texts come from the form's data-messages, in the page's language.
 *
 * On the staff page, a report made without a network (or whose sending got no answer) is kept on
 * the phone, photo included, under the same Idempotency-Key, and sent later by the outbox
 * (offline/records.js, offline/outbox.js).
 */
import * as Outbox from "../offline/records.js";
import { addControl, createMap } from "../ui/casemap.js";
import { clearErrors, errorText, newKey, send, showError, texts } from "../ui/forms.js";
import { exposeMap } from "../ui/hooks.js";

var form = document.getElementById("report-form");
var $ = function (id) { return document.getElementById(id); };
var sendButton = $("send"), picked = $("picked"), locate = $("locate"), photo = $("photo");
var M = JSON.parse(form.dataset.messages);
var m = createMap($("case-map"), M);
var pin = null, key = null, sending = false;
// API field → where its message goes.
var SLOTS = { lat: "location", long: "location", category: "category", photo: "photo",
              description: "description", address: "address", contact: "contact",
              notify_email: "notify_email" };

function say(name, values) {
  return (M[name] || name).replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
}

exposeMap("reportMap", m.map);  // the browser test taps a known road
addControl(m.map, "topright", "map-hint", M.hint);

function changed() { key = null; }  // an edited form is a new submission

function setPin(latlng, how) {
  if (!pin) {
    pin = L.marker(latlng, { draggable: true, title: M.legend_pin, keyboard: false }).addTo(m.map);
    pin.on("dragend", function () { setPin(pin.getLatLng(), M.dragged); });
  }
  pin.setLatLng(latlng);
  $("lat").value = latlng.lat.toFixed(7);
  $("long").value = latlng.lng.toFixed(7);
  picked.textContent = say("picked_at", { how: how, lon: latlng.lng.toFixed(5), lat: latlng.lat.toFixed(5) });
  picked.classList.add("ok");
  showError(form, "location", m.bounds.contains(latlng) ? "" : M.outside);
  changed();
}

m.map.on("click", function (e) {
  if (!sending && !form.classList.contains("is-done")) { setPin(e.latlng, M.picked); }
});

locate.addEventListener("click", function () {
  if (!navigator.geolocation || !window.isSecureContext) {
    showError(form, "location", M.no_geo);
    return;
  }
  locate.disabled = true;
  locate.textContent = M.locating;
  function done() { locate.disabled = false; locate.textContent = M.locate; }
  navigator.geolocation.getCurrentPosition(function (position) {
    done();
    var c = position.coords, here = L.latLng(c.latitude, c.longitude);
    if (!m.bounds.contains(here)) {
      showError(form, "location", M.here_outside);
      return;
    }
    m.map.setView(here, 18);
    setPin(here, say("my_place", { m: Math.round(c.accuracy) }));
  }, function (error) {
    done();
    showError(form, "location", M["geo_" + error.code] || M.geo_2);
  }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
});

function showPhoto() {
  var preview = $("photo-preview"), file = photo.files[0];
  if (preview.src) { URL.revokeObjectURL(preview.src); preview.removeAttribute("src"); }
  preview.hidden = !file;
  if (file) { preview.src = URL.createObjectURL(file); }
  $("photo-name").textContent = file ? file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)" : M.no_photo;
  $("photo-button").textContent = file ? M.photo_change : M.photo_pick;
}
photo.addEventListener("change", showPhoto);

form.addEventListener("input", changed);
form.addEventListener("change", changed);

function setSending(on) {
  sending = on;
  sendButton.disabled = on;
  sendButton.textContent = on ? M.sending : M.send;
  form.classList.toggle("is-sending", on);
}

function showAnswer(c) {
  var result = $("result");
  var status = c.status || c.state;  // a case's status, or a public report's state
  result.className = "result status-" + status;
  $("result-title").textContent = M["result_" + status] || c.status_zh || c.state_zh;
  $("result-message").textContent = c.message;
  var link = $("result-link");
  link.textContent = c.url ? M.track : say("view_case", { id: c.id });
  link.href = c.url || form.dataset.caseUrl.replace(/0$/, String(c.id));
  link.hidden = false;
  result.hidden = false;
  form.classList.add("is-done");
  setPin(L.latLng(c.lat, c.lon), M.reported_place);  // from the photo's GPS when no pin was set
  pin.dragging.disable();
  result.scrollIntoView({ behavior: "smooth", block: "start" });
}

function showProblem(answer) {
  var e = (answer.body && answer.body.error) || {};
  var slot = SLOTS[e.field] || (answer.status === 413 ? "photo" : "form");
  showError(form, slot, errorText(answer));
  var el = form.querySelector("[data-error='" + slot + "']");
  el.scrollIntoView({ behavior: "smooth", block: "center" });
}

// -- without a network (the staff page, which has the outbox) ---------------------------------
function keeping() { return Outbox.here() && Boolean(form.dataset.caseUrl); }

// What the outbox lists: the category and the address, or where the pin is.
function label(checked) {
  var where = $("address").value.trim() ||
    ($("lat").value ? Number($("long").value).toFixed(5) + ", " + Number($("lat").value).toFixed(5) : texts.by_photo);
  return checked.closest("label").querySelector(".name").textContent + " · " + where;
}

function showKept() {
  var result = $("result");
  result.className = "result status-kept";
  $("result-title").textContent = M.kept_title;
  $("result-message").textContent = say("kept", { photo: photo.files.length ? M.kept_photo : "" });
  $("result-link").hidden = true;
  result.hidden = false;
  form.classList.add("is-done");
  if (pin) { pin.dragging.disable(); }
  result.scrollIntoView({ behavior: "smooth", block: "start" });
}

// Keep the report as it was (or would have been) sent: the same fields, photo and key.
function keep(data) {
  var checked = form.querySelector("input[name='category']:checked");
  if (!checked) {  // the portal would refuse it: say so now, while the inspector is on the spot
    showError(form, "category", M.need_category);
    form.querySelector("[data-error='category']").scrollIntoView({ behavior: "smooth", block: "center" });
    return;
  }
  Outbox.keep({
    key: key, kind: "report", url: form.action, form: Array.from(data.entries()),
    label: label(checked), photo: photo.files.length > 0
  }).then(showKept, function () { showError(form, "form", M.keep_failed); });
}

form.addEventListener("submit", function (event) {
  event.preventDefault();
  if (sending) { return; }
  clearErrors(form);
  if (!$("lat").value && !photo.files.length) {
    showError(form, "location", M.need_place);
    $("case-map").scrollIntoView({ behavior: "smooth", block: "start" });
    return;
  }
  key = key || newKey();
  var data = new FormData(form);
  if (keeping() && !navigator.onLine) {
    data.set("observed_at", new Date().toISOString());  // the case is dated when seen, not sent
    keep(data);
    return;
  }
  setSending(true);
  send(form.action, data, { "Idempotency-Key": key }).then(function (answer) {
    setSending(false);
    if (answer.status === 201) { showAnswer(answer.body); } else { showProblem(answer); }
  }, function () {
    setSending(false);  // the key stays: sending again cannot file twice
    if (keeping()) { keep(data); } else { showError(form, "form", M.lost); }
  });
});

$("again").addEventListener("click", function () {
  form.reset();
  $("lat").value = $("long").value = "";
  showPhoto();
  if (pin) { pin.remove(); pin = null; }
  picked.textContent = M.no_pin;
  picked.classList.remove("ok");
  $("result").hidden = true;
  form.classList.remove("is-done");
  changed();
  window.scrollTo({ top: 0, behavior: "smooth" });
});
