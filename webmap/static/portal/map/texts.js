/* The leaders' map scripts' texts (map/, tiles/): the page's language, read once from the element
 * beside the map, and counts written as that language writes them.
 */
// The map scripts' texts in the page's language (webmap/texts/portal.py, portal.map.*), as JSON in
// the data-texts of an element beside the map (webmap/mapbuild.py ScriptTexts); read when first used.
var texts = null;

// The text of ``key`` with its {name} parts filled from ``values``.
export function say(key, values) {
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
export function number(n) { return Number(n).toLocaleString(say("locale")); }
