/* The outbox's storage (offline field mode): what an inspector filed without a network, kept in
 * the browser's IndexedDB until the portal has it (pages/report.js and pages/inspect.js keep
 * records, outbox.js lists and sends them): keep(record), mine(), update(record), remove(key), on a
 * page that has the outbox (``here()``: cases/offline.html's #outbox).
 *
 * A record: key (its Idempotency-Key, made with it: every sending of it is the same request to the
 * portal), owner (the signed-in user's name, from the page's #outbox), kind ("report" |
 * "inspection"), url (the API it goes to), made_at (ISO time), label (what the list shows), photo
 * (whether it has one), then either form ([[name, value], ...]: the report form's fields as sent,
 * its photo the File the form held, kept as a Blob, not re-encoded) or json (the inspection's
 * body); state "waiting", or "failed" with the portal's message when it can never succeed.
 * Each change is announced with an "outbox:changed" event on the document.
 */
var DB = "portal-field", STORE = "outbox", VERSION = 1;
var opened = null;

function open() {
  if (!opened) {
    opened = new Promise(function (resolve, reject) {
      var request = window.indexedDB.open(DB, VERSION);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { opened = null; reject(request.error); };
    });
  }
  return opened;
}

// One transaction: `work(store)` makes its request; resolves with its result once committed.
function run(mode, work) {
  return open().then(function (db) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(STORE, mode), request = work(tx.objectStore(STORE));
      tx.oncomplete = function () { resolve(request.result); };
      tx.onerror = tx.onabort = function () { reject(tx.error); };
    });
  });
}

function changed(result) {
  document.dispatchEvent(new CustomEvent("outbox:changed"));
  return result;
}

// Whether this page keeps what cannot be sent now: a field page, which has the outbox.
export function here() {
  return document.getElementById("outbox") !== null;
}

function owner() {
  var box = document.getElementById("outbox");
  return box ? box.dataset.user : "";
}

// Keep a new record (kept again with the same key, it replaces itself: a double tap is one).
export function keep(record) {
  var kept = Object.assign(
    { owner: owner(), made_at: new Date().toISOString(), state: "waiting", message: "" }, record
  );
  return run("readwrite", function (store) { return store.put(kept); }).then(function () {
    return changed(kept);
  });
}

// This user's records, oldest first (another user's, on a shared phone, are neither shown nor sent).
export function mine() {
  var me = owner();
  return run("readonly", function (store) { return store.getAll(); }).then(function (all) {
    return all.filter(function (r) { return r.owner === me; })
      .sort(function (a, b) { return a.made_at < b.made_at ? -1 : a.made_at > b.made_at ? 1 : 0; });
  });
}

export function update(record) {
  return run("readwrite", function (store) { return store.put(record); }).then(changed);
}

export function remove(key) {
  return run("readwrite", function (store) { return store.delete(key); }).then(changed);
}
