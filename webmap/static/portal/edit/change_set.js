// 变更单 page: 撤销此变更 posts the revert and opens the change set it made (the server checks
// everything; views/history.py). A file of its own: the page's CSP runs no inline script. Its texts
// come in the page's language in the form's data-texts (webmap/texts/edit.py, edit.revert.*).
function wireRevert(form) {
  var T = JSON.parse(form.getAttribute("data-texts") || "{}");
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var token = document.querySelector('meta[name="csrf-token"]').content;
    var message = document.getElementById("revert-message");
    fetch(form.dataset.url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ reason: document.getElementById("revert-reason").value })
    }).then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (a) {
        if (a.ok) { window.location = form.dataset.changeSets + "/" + a.body.change_set.id; return; }
        message.textContent = (a.body.error && a.body.error.message) || T.failed;
      })
      .catch(function () { message.textContent = T.offline; });
  });
}

var form = document.getElementById("revert-form");
if (form) { wireRevert(form); }
