/* A job's page (/admin/jobs/<id>): while the job is queued or running, ask its JSON (the
 * data-poll URL) every two seconds and move the progress bar, the state and the last word; once it
 * has ended, load the page again for its result and log. Gives up quietly after an hour (the page
 * still says how far it got). Texts come in the page's language (data-texts of jobs.js.*). */
var holder = document.querySelector("[data-texts-group='jobs.js']");
var T = JSON.parse((holder && holder.dataset.texts) || "{}");
var EVERY_MS = 2000, MAX_ASKS = 1800;

function show(status, job) {
  var bar = status.querySelector("progress.job-progress");
  var percent = status.querySelector(".job-percent");
  var badge = status.querySelector("#job-state .badge");
  var message = status.querySelector("#job-message");
  if (bar) { bar.value = job.progress; }
  if (percent) { percent.textContent = job.progress + "%"; }
  if (badge) { badge.textContent = job.state_name; badge.className = "badge job-" + job.state; }
  if (message) { message.textContent = job.message || "—"; }
}

function follow(status) {
  var url = status.dataset.poll, asks = 0;
  function ask() {
    asks += 1;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (job) {
        show(status, job);
        if (job.finished) { window.location.reload(); return; }
        if (asks < MAX_ASKS) { window.setTimeout(ask, EVERY_MS); }
      })
      .catch(function () {
        var message = status.querySelector("#job-message");
        if (message && T.lost) { message.textContent = T.lost; }
        if (asks < MAX_ASKS) { window.setTimeout(ask, EVERY_MS * 5); }
      });
  }
  window.setTimeout(ask, EVERY_MS);
}

var status = document.getElementById("job-status");
if (status && status.dataset.poll) { follow(status); }
