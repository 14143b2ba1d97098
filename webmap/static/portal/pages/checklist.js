/* The 检查表 page (/admin/checklists): while a checklist is edited, the sum of its items' maxima is
 * shown live (the server refuses any other sum than 100), and 添加一项 shows the next empty row.
 * Its texts come in the page's language (data-texts of the form: checklists.js.*). */

var TOLERANCE = 1e-6; // as geodata/scores/checklists.py: 33.3 + 33.3 + 33.4 is 100

/* The sum of the rows' maxima: {sum, bad}. A row counts unless removed or blank (no code, name or
 * maximum); bad: a counted row whose maximum is not a number. */
export function checklistSum(rows) {
  var sum = 0, bad = false;
  rows.forEach(function (row) {
    var max = (row.max || "").trim();
    if (row.remove || !((row.code || "").trim() || (row.name || "").trim() || max)) { return; }
    var value = Number(max);
    if (max === "" || !isFinite(value)) { bad = true; return; }
    sum += value;
  });
  return { sum: Math.round(sum * 1e6) / 1e6, bad: bad };
}

/* What the sum says: {text, ok}. */
export function sumText(result, T) {
  var shown = T.sum.replace("{sum}", result.bad ? "?" : String(result.sum));
  if (result.bad) { return { text: shown + " · " + T.bad, ok: false }; }
  var gap = Math.round((100 - result.sum) * 1e6) / 1e6;
  if (Math.abs(gap) <= TOLERANCE) { return { text: shown + " · " + T.ok, ok: true }; }
  var status = gap > 0 ? T.short.replace("{n}", String(gap)) : T.over.replace("{n}", String(-gap));
  return { text: shown + " · " + status, ok: false };
}

function wire(form) {
  var T = JSON.parse(form.dataset.texts || "{}");
  var out = document.getElementById("checklist-sum");
  var add = document.getElementById("checklist-add");
  var rows = Array.prototype.slice.call(form.querySelectorAll("tr[data-row]"));

  function value(row, f) {
    var input = row.querySelector("input[name$='-" + f + "']");
    return input ? input.value : "";
  }

  function update() {
    var said = sumText(checklistSum(rows.map(function (row) {
      return { code: value(row, "code"), name: value(row, "name"), max: value(row, "max"),
               remove: row.querySelector("input[type='checkbox']").checked };
    })), T);
    out.textContent = said.text;
    out.classList.toggle("ok", said.ok);
    out.classList.toggle("off", !said.ok);
  }

  function showAdd() {
    add.hidden = !rows.some(function (row) { return row.hidden; });
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  add.addEventListener("click", function () {
    var next = rows.find(function (row) { return row.hidden; });
    if (next) {
      next.hidden = false;
      next.querySelector("input[name$='-code']").focus();
    }
    showAdd();
  });
  showAdd();
  update();
}

if (typeof document !== "undefined") {
  var form = document.getElementById("checklist-form");
  if (form) { wire(form); }
}
