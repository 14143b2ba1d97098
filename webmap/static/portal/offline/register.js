/* Registers the field pages' service worker (/sw.js, whose scope "/" covers 外勤首页, 上报问题 and
 * 考核评分: webmap/views/cases/offline.py) and, while the network is here, asks it to keep what this
 * user's field pages need (the kit: pages, scripts, styles, Leaflet, checklists and the county's
 * roads and communities). Once it has them all, <html data-offline-ready="1"> (the browser test
 * waits for it). Without a worker (an old browser, plain http off this machine) the pages work as
 * before online, and the outbox still keeps what is filed offline until the page is open again.
 */
import { setFlag } from "../ui/hooks.js";

var box = document.getElementById("outbox");

function warm(registration) {
  if (!navigator.onLine || !registration.active) { return; }
  var channel = new MessageChannel();
  channel.port1.onmessage = function (event) {
    if (event.data && event.data.ok) { setFlag("offline-ready", "1"); }
  };
  registration.active.postMessage({ type: "warm", kit: box.dataset.kitUrl }, [channel.port2]);
}

if (box && "serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register(box.dataset.workerUrl, { scope: "/" })
    .then(function () { return navigator.serviceWorker.ready; })
    .then(warm)
    .catch(function () {});  // offline, the worker's script cannot be checked: the one there serves
}
