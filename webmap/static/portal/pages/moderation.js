/* 随手拍审核 (/moderation): the listed reports as numbered pins on a map (a tap scrolls to the
 * card), and each card's buttons, which post to /api/v1/public-reports/<id>/<action> and show the
 * outcome in place. Its texts come in the page's language from the map's data-texts.
 */
import { createMap } from "../ui/casemap.js";
import { clearErrors, errorText, say, send, showError, texts } from "../ui/forms.js";

function startModeration(el) {
  var T = JSON.parse(el.dataset.texts);
  var m = createMap(el);
  var cards = document.querySelectorAll(".mod-card");
  var pins = [];
  cards.forEach(function (card, i) {
    var at = L.latLng(Number(card.dataset.lat), Number(card.dataset.lon));
    var icon = L.divIcon({ className: "moderation-marker", html: String(i + 1), iconSize: [22, 22] });
    L.marker(at, { icon: icon, title: say(T.pin, { id: card.dataset.id }) }).addTo(m.map).on("click", function () {
      cards.forEach(function (c) { c.classList.toggle("is-target", c === card); });
      card.scrollIntoView({ behavior: "smooth", block: "center" });
    });
    pins.push(at);
  });
  if (pins.length) { m.map.fitBounds(L.latLngBounds(pins).pad(0.3), { maxZoom: 17 }); }

  function done(card, body) {
    var result = card.querySelector(".mod-result");
    var text = (T["state_" + body.state] || body.state_zh) + " · " + body.moderated_by;
    if (body.public_reason) { text += " · " + say(T.reason, { reason: body.public_reason }); }
    result.textContent = text + " ";
    if (body.case_url) {
      var link = document.createElement("a");
      link.href = body.case_url;
      link.textContent = say(T.case, { id: body.incident_id });
      result.appendChild(link);
    }
    result.hidden = false;
    card.className = "mod-card state-" + body.state;
    card.querySelector(".mod-actions").remove();
  }

  document.querySelectorAll(".mod-actions").forEach(function (form) {
    var card = form.closest(".mod-card");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = event.submitter, action = button && button.value;
      if (!action || button.disabled) { return; }
      var body = {};
      if (action === "approve") { body.category = form.elements.category.value; }
      if (action === "merge") {
        var chosen = form.querySelector("input[name='into']:checked");
        body.into = chosen ? Number(chosen.value) : null;
      }
      if (action === "reject") { body.reason = form.elements.reason.value; }
      clearErrors(form);
      var buttons = form.querySelectorAll("button");
      buttons.forEach(function (b) { b.disabled = true; });
      function again(text) {
        showError(form, "action", text);
        buttons.forEach(function (b) { b.disabled = false; });
      }
      send(form.dataset.url + action, body).then(function (answer) {
        if (answer.status === 200) { done(card, answer.body); } else { again(errorText(answer)); }
      }, function () { again(texts.network); });
    });
  });
}

var el = document.getElementById("case-map");
if (el) { startModeration(el); }
