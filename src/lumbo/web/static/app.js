/* Registers the service worker (sw.js) for signed-in patients and hands it the pages to keep for
 * offline use (the Today page lists them in #offline-urls). Shows whether the app is ready offline. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  var list = document.getElementById("offline-urls");
  var urls = list ? JSON.parse(list.textContent) : [];
  var note = document.getElementById("offline-ready");
  navigator.serviceWorker.addEventListener("message", function (ev) {
    if (ev.data && ev.data.type === "kept") {
      document.documentElement.setAttribute("data-offline-ready", "1");
      if (note) note.textContent = "This week's sessions are saved on this device: they work without a connection.";
    }
  });
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (reg) {
    document.documentElement.setAttribute("data-sw", "ready");
    if (urls.length && navigator.onLine && reg.active) reg.active.postMessage({ type: "keep", urls: urls });
  }).catch(function () { document.documentElement.setAttribute("data-sw", "failed"); });
})();
