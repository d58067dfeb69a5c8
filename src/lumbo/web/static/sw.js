/* lumbo service worker (issue 16): the patient's app opens and a session runs with no connection.
 *
 * - The app shell (styles, scripts, icon) is cached when the worker installs.
 * - A signed-in patient's Today page sends the list of pages to keep (today, the check-in, the
 *   technique pages and illustrations of this week's sessions): the worker fetches and caches them.
 * - Pages: network first; without a connection the cached copy is shown.
 * - Static files and illustrations: the cache first, then the network (and kept).
 * - Writes (POST) are never cached or replayed here: the outbox (outbox.js) queues session logs
 *   and sends each once (the server stores an id once).
 * - Signing out deletes the caches (outbox.js), so nothing stays on a shared device.
 * - The server names the shell cache after a hash of the shell files (SHELL below is replaced when
 *   /sw.js is served): an upgraded lumbo changes this file, the browser installs it, and the
 *   activation deletes the old shell cache, so phones never keep old styles or scripts. */
"use strict";
var SHELL = "lumbo-shell-v1";
var PAGES = "lumbo-pages-v1";
var SHELL_FILES = ["/static/lumbo.css", "/static/boot.js", "/static/app.js", "/static/outbox.js",
  "/static/player.js", "/static/questionnaire.js", "/static/icon.svg", "/manifest.webmanifest"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (c) {
    return c.addAll(SHELL_FILES.map(function (u) { return new Request(u, { cache: "reload" }); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("lumbo-shell-") === 0 && n !== SHELL; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function keep(urls) {
  return caches.open(PAGES).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (res) {
        if (res.ok && !res.redirected) return cache.put(url, res);
        return undefined;
      }).catch(function () { return undefined; });
    }));
  });
}

self.addEventListener("message", function (event) {
  var msg = event.data || {};
  if (msg.type === "keep" && Array.isArray(msg.urls)) {
    var done = keep(msg.urls).then(function () {
      if (event.source) event.source.postMessage({ type: "kept", count: msg.urls.length });
    });
    if (event.waitUntil) event.waitUntil(done);
  }
});

function cachedPage(request) {
  return caches.match(request, { ignoreVary: true }).then(function (hit) {
    if (hit) return hit;
    return caches.match(new URL(request.url).pathname, { ignoreVary: true });
  });
}

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  if (req.mode === "navigate") {
    event.respondWith(fetch(req).then(function (res) {
      if (res.ok && !res.redirected) {
        var copy = res.clone();
        caches.open(PAGES).then(function (cache) {
          return cache.match(url.pathname).then(function (had) { return had ? cache.put(url.pathname, copy) : undefined; });
        });
      }
      return res;
    }).catch(function () {
      return cachedPage(req).then(function (hit) {
        return hit || new Response(
          "<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content=\"width=device-width, initial-scale=1\">" +
          "<title>Offline · lumbo</title><link rel=stylesheet href=/static/lumbo.css><main id=main><h1>You are offline</h1>" +
          "<p>This page was not saved on your phone. Your session and check-in pages work offline once you have opened them online.</p>" +
          "<p><a href=/>Try again</a></p></main>",
          { headers: { "Content-Type": "text/html; charset=utf-8" } });
      });
    }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/illustrations/") === 0 || url.pathname === "/manifest.webmanifest") {
    event.respondWith(caches.match(req).then(function (hit) {
      return hit || fetch(req).then(function (res) {
        if (res.ok) { var copy = res.clone(); caches.open(url.pathname.indexOf("/static/") === 0 ? SHELL : PAGES).then(function (c) { return c.put(req, copy); }); }
        return res;
      });
    }));
  }
});
