/* What the case and field pages share besides their map (ui/casemap.js): their texts, and posting
 * to the cases API with the CSRF token, answers read as {status, body}, errors shown beside the
 * field they name, and Idempotency-Keys.
 *
 * The texts come in the page's language in the data-texts of the element cases/macros.html
 * ``case_texts`` writes; a page that gives none gets them in Chinese.
 */
var holder = document.querySelector("[data-texts-group='cases.script']");
export var texts = Object.assign({
  legend_community: "社区边界", legend_roads: "道路 · 牵头单位类别", legend_pin: "问题位置",
  no_roads: "视野内没有道路", expired: "登录已过期，请刷新页面重新登录",
  failed: "提交失败（HTTP {status}），请稍后重试", sending: "正在提交…",
  network: "网络异常，请检查网络后重试", by_photo: "按照片定位"
}, JSON.parse((holder && holder.dataset.texts) || "{}"));

// A text with its {name} parts filled.
export function say(text, values) {
  return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
}

function csrfToken() {
  var meta = document.querySelector("meta[name='csrf-token']");
  return meta ? meta.content : "";
}

// POST a FormData or a JSON body. Resolves {status, body} whatever the status; rejects only when
// no answer came (network down, page offline).
export function send(url, body, headers) {
  var h = Object.assign({ "X-CSRFToken": csrfToken(), "Accept": "application/json" }, headers || {});
  if (!(body instanceof FormData)) {
    h["Content-Type"] = "application/json";
    body = JSON.stringify(body);
  }
  return fetch(url, { method: "POST", body: body, headers: h, credentials: "same-origin" })
    .then(function (r) {
      return r.json()
        .catch(function () { return {}; })
        .then(function (b) { return { status: r.status, body: b }; });
    });
}

export function errorText(answer) {
  var e = answer.body && answer.body.error;
  if (e && e.message) { return e.message; }
  if (answer.status === 401) { return texts.expired; }
  return say(texts.failed, { status: answer.status });
}

export function showError(root, slot, text) {
  var el = root.querySelector("[data-error='" + slot + "']");
  el.textContent = text || "";
  el.hidden = !text;
}

export function clearErrors(root) {
  root.querySelectorAll("[data-error]").forEach(function (el) { el.textContent = ""; el.hidden = true; });
}

// A fresh Idempotency-Key: the same submission sent twice (a retry) is stored once.
export function newKey() {
  var bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);  // works on plain http too, unlike randomUUID
  return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
}
