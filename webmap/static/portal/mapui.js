/* The portal map's shared pieces (used by tiles.js and layers.js): the page's texts, HTML escaping,
 * popup tables, and the controls around the map: the filter panel, 查找, the month picker of 考核得分
 * and the status line.
 */
(function () {
  "use strict";

  // The map scripts' texts in the page's language (webmap/texts/portal.py, portal.map.*), as JSON in
  // the data-texts of an element beside the map (webmap/mapbuild.py ScriptTexts); read when first used.
  var texts = null;

  // The text of ``key`` with its {name} parts filled from ``values``.
  function say(key, values) {
    if (!texts) {
      var el = document.querySelector("[data-texts-group='portal.map']");
      texts = el ? JSON.parse(el.getAttribute("data-texts")) : {};
    }
    var text = texts[key] === undefined ? key : texts[key];
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return values && values[name] !== undefined && values[name] !== null ? String(values[name]) : all;
    });
  }

  // A count as the page's language writes it (1,234).
  function number(n) { return Number(n).toLocaleString(say("locale")); }

  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // A popup: a title, rows of [label, value] (empty values left out) and links of [label, href].
  function popupTable(title, rows, links) {
    var html = "<div class='portal-popup'><h4>" + escapeHtml(title) + "</h4><table>";
    rows.forEach(function (r) {
      if (r[1] !== null && r[1] !== undefined && r[1] !== "") {
        html += "<tr><th>" + escapeHtml(r[0]) + "</th><td>" + escapeHtml(r[1]) + "</td></tr>";
      }
    });
    html += "</table>";
    if (links && links.length) {
      html += "<p class='popup-links'>" + links.map(function (l) {
        return "<a href='" + escapeHtml(l[1]) + "'>" + escapeHtml(l[0]) + "</a>";
      }).join("") + "</p>";
    }
    return html + "</div>";
  }

  // A month picker for the 考核得分 layer, shown while the layer is on.
  function MonthControl(months, onChange) {
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
  function FilterControl(choices, onChange, onShow) {
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
  function SearchControl(url, onPick, describe) {
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var form = L.DomUtil.create("form", "portal-search leaflet-bar");
      form.id = "portal-search";
      form.innerHTML = "<input type='search' name='q' placeholder='" + escapeHtml(say("search_placeholder")) +
        "' aria-label='" + escapeHtml(say("search")) + "'>" +
        "<button type='submit'>" + escapeHtml(say("search")) + "</button><ul class='portal-results' hidden></ul>";
      var list = form.querySelector("ul"), input = form.elements.q;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!input.value.trim()) { return; }
        fetch(url + "?q=" + encodeURIComponent(input.value.trim()), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (body) {
            list.textContent = "";
            (body.results || []).forEach(function (item) {
              var li = document.createElement("li"), button = document.createElement("button");
              button.type = "button";
              var kind = KINDS.indexOf(item.kind) >= 0 ? say("kind." + item.kind) : item.kind;
              button.innerHTML = "<b>" + escapeHtml(kind) + "</b> " + escapeHtml(describe ? describe(item) : item.name);
              button.addEventListener("click", function () { list.hidden = true; onPick(item); });
              li.appendChild(button);
              list.appendChild(li);
            });
            if (!list.children.length) { list.innerHTML = "<li class='none'>" + escapeHtml(say("search_none", { q: input.value })) + "</li>"; }
            list.hidden = false;
          })
          .catch(function () { list.innerHTML = "<li class='none'>" + escapeHtml(say("search_failed")) + "</li>"; list.hidden = false; });
      });
      L.DomEvent.disableClickPropagation(form);
      L.DomEvent.disableScrollPropagation(form);
      return form;
    };
    return control;
  }

  function StatusControl() {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      this.div = L.DomUtil.create("div", "portal-status");
      return this.div;
    };
    control.show = function (text) { if (this.div) { this.div.textContent = text; } };
    return control;
  }

  window.PortalUI = {
    say: say, number: number, escapeHtml: escapeHtml, popupTable: popupTable, MonthControl: MonthControl,
    FilterControl: FilterControl, SearchControl: SearchControl, StatusControl: StatusControl
  };
})();
