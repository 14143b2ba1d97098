/* The 社区等次与文明称号 page (/scores/tiers), for an administrator: confirm a community's tier
 * (POST /api/v1/tiers), award a title (POST /api/v1/titles), withdraw one
 * (POST /api/v1/titles/<id>/withdraw); reload on success, the error shown beside the button. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector("meta[name='csrf-token']");
    return meta ? meta.content : "";
  }

  function errorText(status, body) {
    var e = body && body.error;
    if (e && e.message) { return e.message; }
    if (status === 401) { return "登录已过期，请刷新页面重新登录"; }
    if (status === 403) { return "只有管理员可以评定等次和授予称号"; }
    if (status === 409) { return "本月已评定过该社区的等次"; }
    return "提交失败（HTTP " + status + "），请稍后重试";
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
      slot.textContent = "网络连接失败，请稍后重试";
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
})();
