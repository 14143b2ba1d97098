/* The controls around the leaders' map (map/layers.js puts them there): the filter panel, 查找,
 * the month picker of 考核得分 and the status line.
 */
import { say } from "./texts.js";
import { el } from "../ui/html.js";

// A month picker for the 考核得分 layer, shown while the layer is on.
export function MonthControl(months, onChange) {
  var control = L.control({ position: "topright" });
  control.onAdd = function () {
    var div = L.DomUtil.create("div", "portal-month leaflet-bar");
    var label = L.DomUtil.create("label", "", div);
    label.textContent = say("month");
    var select = L.DomUtil.create("select", "", label);
    months.forEach(function (m) {
      var option = L.DomUtil.create("option", "", select);
      option.value = m.value;
      option.textContent = m.label;
    });
    L.DomEvent.disableClickPropagation(div);
    select.addEventListener("change", function () { onChange(select.value); });
    this.select = select;
    return div;
  };
  return control;
}

// The filter panel: its fields are the case list's query parameters (from, to, category, status,
// unit); onChange gets the query string of those set.
export function FilterControl(choices, onChange, onShow) {
  var control = L.control({ position: "topright" });
  control.onAdd = function () {
    var div = L.DomUtil.create("details", "portal-filters leaflet-bar");
    div.id = "portal-filters";
    var summary = L.DomUtil.create("summary", "", div);
    summary.appendChild(document.createTextNode(say("filters") + " "));
    L.DomUtil.create("span", "active-count", summary);
    function field(label, element) {
      var row = L.DomUtil.create("label", "", div);
      row.appendChild(document.createTextNode(label));
      row.appendChild(element);
      return element;
    }
    function select(name, label, items) {
      var el = document.createElement("select");
      el.name = name;
      [{ value: "", label: say("all") }].concat(items).forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.value;
        option.textContent = item.label;
        el.appendChild(option);
      });
      return field(label, el);
    }
    function date(name, label) {
      var el = document.createElement("input");
      el.type = "date";
      el.name = name;
      return field(label, el);
    }
    var inputs = [
      date("from", say("from")), date("to", say("to")), select("category", say("category"), choices.categories),
      select("status", say("status"), choices.statuses), select("unit", say("unit"), choices.units)
    ];
    var show = select("show", say("show_unit"), choices.units);
    show.id = "portal-show-unit";
    show.value = choices.myUnit || "";
    show.addEventListener("change", function () { onShow(show.value); });
    var reset = L.DomUtil.create("button", "", div);
    reset.type = "button";
    reset.textContent = say("clear");
    function changed() {
      var query = new URLSearchParams(), n = 0;
      inputs.forEach(function (el) { if (el.value) { query.set(el.name, el.value); n += 1; } });
      summary.querySelector(".active-count").textContent = n ? say("filters_count", { n: n }) : "";
      onChange(query.toString());
      // The dashboard beside the map (dashboard.js) follows the same filters.
      document.dispatchEvent(new CustomEvent("portal:filters", { detail: query.toString() }));
    }
    inputs.forEach(function (el) { el.addEventListener("change", changed); });
    reset.addEventListener("click", function () {
      inputs.forEach(function (el) { el.value = ""; });
      changed();
      if (show.value) { show.value = ""; onShow(""); }  // the unit picked out goes too
    });
    if (show.value) { setTimeout(function () { onShow(show.value); }, 0); }
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  return control;
}

var KINDS = ["case", "unit", "community", "village", "road", "courtyard", "grid"];

// 查找: a case number, a unit, a community, a road or a grid cell; a pick goes there (a unit is
// picked out as "显示单位" does). ``describe(item)``: what a result says (else its name).
export function SearchControl(url, onPick, describe) {
  var control = L.control({ position: "topleft" });
  control.onAdd = function () {
    var form = L.DomUtil.create("form", "portal-search leaflet-bar");
    form.id = "portal-search";
    var input = L.DomUtil.create("input", "", form), submit = L.DomUtil.create("button", "", form);
    input.type = "search";
    input.name = "q";
    input.placeholder = say("search_placeholder");
    input.setAttribute("aria-label", say("search"));
    submit.type = "submit";
    submit.textContent = say("search");
    var list = L.DomUtil.create("ul", "portal-results", form);
    list.hidden = true;
    function note(text) {
      list.textContent = "";
      list.appendChild(el("li", "none", text));
      list.hidden = false;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!input.value.trim()) { return; }
      fetch(url + "?q=" + encodeURIComponent(input.value.trim()), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (body) {
          list.textContent = "";
          (body.results || []).forEach(function (item) {
            var li = document.createElement("li"), button = el("button");
            button.type = "button";
            var kind = KINDS.indexOf(item.kind) >= 0 ? say("kind." + item.kind) : item.kind;
            button.appendChild(el("b", "", kind));
            var text = describe ? describe(item) : item.name;
            button.appendChild(document.createTextNode(" " + (text == null ? "" : text)));
            button.addEventListener("click", function () { list.hidden = true; onPick(item); });
            li.appendChild(button);
            list.appendChild(li);
          });
          if (!list.children.length) { note(say("search_none", { q: input.value })); }
          list.hidden = false;
        })
        .catch(function () { note(say("search_failed")); });
    });
    L.DomEvent.disableClickPropagation(form);
    L.DomEvent.disableScrollPropagation(form);
    return form;
  };
  return control;
}

export function StatusControl() {
  var control = L.control({ position: "bottomright" });
  control.onAdd = function () {
    this.div = L.DomUtil.create("div", "portal-status");
    return this.div;
  };
  control.show = function (text) { if (this.div) { this.div.textContent = text; } };
  return control;
}
