/* A case's page (/cases/<id>): its map with the case's point, the action buttons, which post
 * {action, note, unit} to /api/v1/incidents/<id>/actions, and the forms of 延期, 挂账 and 督办
 * (form.case-form), which post their fields (and the button pressed) as JSON to their data-url;
 * each reloads the page on success and shows the refusal under the form otherwise.
 */
import { createMap } from "../ui/casemap.js";
import { clearErrors, errorText, send, showError, texts as T } from "../ui/forms.js";

function startCasePage() {
  var el = document.getElementById("case-map");
  if (!el || !el.closest(".case-page")) { return; }  // the report form and the queue have their own
  var m = createMap(el);
  L.marker(m.config.point, { title: T.legend_pin, keyboard: false }).addTo(m.map);
  document.querySelectorAll("form.case-form").forEach(wireForm);
  var form = document.getElementById("action-form");
  if (!form) { return; }
  var buttons = form.querySelectorAll("button[name='action']");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = event.submitter;
    if (!button || button.disabled) { return; }
    var body = { action: button.value, note: form.elements.note.value };
    if (button.value === "dispatch" && form.elements.unit) { body.unit = form.elements.unit.value; }
    clearErrors(form);
    buttons.forEach(function (b) { b.disabled = true; });
    var label = button.textContent;
    button.textContent = T.sending;
    function again(text) {
      showError(form, "action", text);
      buttons.forEach(function (b) { b.disabled = false; });
      button.textContent = label;
    }
    send(form.dataset.url, body).then(function (answer) {
      if (answer.status === 200) { window.location.reload(); return; }
      again(errorText(answer));
    }, function () { again(T.network); });
  });
}

function wireForm(form) {
  var buttons = form.querySelectorAll("button");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = event.submitter;
    if (button && button.disabled) { return; }
    var body = {};
    new FormData(form).forEach(function (value, name) { body[name] = value; });
    if (button && button.name) { body[button.name] = button.value; }
    clearErrors(form);
    buttons.forEach(function (b) { b.disabled = true; });
    function again(text) {
      showError(form, "action", text);
      buttons.forEach(function (b) { b.disabled = false; });
    }
    send(form.dataset.url, body).then(function (answer) {
      if (answer.status === 200 || answer.status === 201) { window.location.reload(); return; }
      again(errorText(answer));
    }, function () { again(T.network); });
  });
}


startCasePage();
