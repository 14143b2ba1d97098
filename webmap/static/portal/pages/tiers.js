/* The 社区等次与文明称号 page (/scores/tiers), for an administrator: confirm a community's tier
 * (POST /api/v1/tiers), award a title (POST /api/v1/titles), withdraw one
 * (POST /api/v1/titles/<id>/withdraw); reload on success, the error shown beside the button.
 * Its texts come in the page's language (data-texts of the award form: scores.tiers_js.*). */
var holder = document.querySelector("[data-texts-group='scores.tiers_js']");
var T = JSON.parse((holder && holder.dataset.texts) || "{}");

function csrfToken() {
  var meta = document.querySelector("meta[name='csrf-token']");
  return meta ? meta.content : "";
}

function errorText(status, body) {
  var e = body && body.error;
  if (e && e.message) { return e.message; }
  if (status === 401) { return T.expired; }
  if (status === 403) { return T.forbidden; }
  if (status === 409) { return T.decided; }
  return T.failed.replace("{status}", String(status));
}

function post(url, body, button, slot) {
  button.disabled = true;
  slot.hidden = true;
  fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body)
  }).then(function (r) {
    if (r.ok) { window.location.reload(); return; }
    return r.json().catch(function () { return {}; }).then(function (b) {
      slot.textContent = errorText(r.status, b);
      slot.hidden = false;
      button.disabled = false;
    });
  }).catch(function () {
    slot.textContent = T.network;
    slot.hidden = false;
    button.disabled = false;
  });
}

document.querySelectorAll("[data-confirm]").forEach(function (button) {
  button.addEventListener("click", function () {
    var cell = button.closest("td");
    var tier = cell.querySelector("select[name='tier']").value;
    post("/api/v1/tiers", { zone: button.dataset.confirm, tier: tier, month: button.dataset.month },
      button, cell.querySelector("[data-error]"));
  });
});

document.querySelectorAll("[data-withdraw]").forEach(function (button) {
  button.addEventListener("click", function () {
    var cell = button.closest("td");
    var on = cell.querySelector("input[name='on']").value;
    post("/api/v1/titles/" + button.dataset.withdraw + "/withdraw", { on: on }, button, cell.querySelector("[data-error]"));
  });
});

var form = document.getElementById("award-form");
if (form) {
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var f = form.elements;
    post("/api/v1/titles", { zone: f.zone.value, title: f.title.value, on: f.on.value },
      form.querySelector("button[type='submit']"), form.querySelector("[data-error]"));
  });
}
