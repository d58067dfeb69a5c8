/* lumbo outbox: writes that must survive being offline (session logs).
 * Each item carries a client-generated id; the JSON API stores an id once, so re-sending is safe
 * (a replay answers 200 "created: false"). Items stay in localStorage until the server has them.
 * Shared devices: the queue belongs to the signed-in account (its key names the account, and
 * only that account's items are ever sent); signing out first sends the queue and clears it, or,
 * when entries cannot be sent (offline), refuses to sign out and says so. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="lumbo-account"]');
  var ACCOUNT = meta ? meta.content : "";
  var KEY = "lumbo.outbox.v1:" + ACCOUNT;
  var sending = false;
  var again = false;
  var inflight = null; /* the running flush: a second caller (sign-out while the "online" event's
                        * flush is still sending) waits for it instead of seeing the log as unsent */

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(items) { localStorage.setItem(KEY, JSON.stringify(items)); }
  function token() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  function announce(detail) {
    document.dispatchEvent(new CustomEvent("lumbo:outbox", { detail: detail }));
    var el = document.getElementById("outbox-status");
    if (!el) return;
    if (detail.pending > 0) {
      el.textContent = detail.pending + " session log(s) saved on this device, not yet sent" +
        (detail.offline ? " (offline: they are sent when you are back online)." : ".");
    } else if (detail.sent > 0) {
      el.textContent = "All session logs are sent.";
    } else if (detail.error) {
      el.textContent = detail.error;
    }
  }

  function enqueue(id, url, body) {
    var items = load().filter(function (it) { return it.id !== id; });
    items.push({ id: id, url: url, body: body, queued_at: new Date().toISOString() });
    save(items);
    return flush();
  }

  function flush() {
    if (sending) { again = true; return inflight; }
    sending = true;
    var items = load();
    var sent = 0;
    var error = null;
    var offline = false;
    function next(i) {
      if (i >= items.length) return Promise.resolve();
      var it = items[i];
      return fetch(it.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": token() },
        body: JSON.stringify(it.body)
      }).then(function (res) {
        if (res.ok) {
          sent += 1;
          save(load().filter(function (x) { return x.id !== it.id; }));
          return next(i + 1);
        }
        if (res.status === 401 || res.status === 403) {
          error = "Sign in again to send the saved session logs.";
          return undefined;
        }
        return res.json().catch(function () { return {}; }).then(function (body) {
          /* The server refused this log for good (invalid, or the id holds another log):
           * keep it visible instead of retrying forever. */
          error = "A session log could not be saved: " + JSON.stringify(body.detail || res.status);
          save(load().filter(function (x) { return x.id !== it.id; }));
          localStorage.setItem(KEY + ".failed", JSON.stringify({ item: it, error: error }));
          return next(i + 1);
        });
      }, function () { offline = true; });
    }
    inflight = next(0).then(function () {
      sending = false;
      if (again && !offline && !error) { again = false; return flush(); }
      again = false;
      var st = { pending: load().length, sent: sent, error: error, offline: offline };
      announce(st);
      return st;
    });
    return inflight;
  }

  function status() { return { pending: load().length, sent: 0, error: null, offline: !navigator.onLine }; }

  function clear() {
    localStorage.removeItem(KEY);
    localStorage.removeItem(KEY + ".failed");
  }

  function refuseSignOut(count) {
    var box = document.getElementById("signout-refused");
    if (!box) {
      box = document.createElement("div");
      box.id = "signout-refused";
      box.className = "banner banner-danger";
      box.setAttribute("role", "alert");
      var main = document.getElementById("main");
      main.insertBefore(box, main.firstChild);
    }
    box.textContent = "You are still signed in: " + count + " session log(s) are saved on " +
      "this device and not sent yet. Connect to the internet, then sign out again, so they " +
      "are not lost or left on this device.";
    box.scrollIntoView();
  }

  /* Signing out also forgets this device's copies: a half-done session and the offline pages. */
  function forgetDevice() {
    Object.keys(localStorage).filter(function (k) { return k.indexOf("lumbo.player.v1:" + ACCOUNT + ":") === 0; })
      .forEach(function (k) { localStorage.removeItem(k); });
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("lumbo-") === 0; }).map(function (n) { return caches.delete(n); }));
    }).catch(function () { return undefined; });
  }

  document.querySelectorAll("form.signout, form.signout-inline").forEach(function (signout) {
    if (!ACCOUNT) return;
    signout.addEventListener("submit", function (ev) {
      ev.preventDefault();
      flush().then(function () {
        var left = load().length;
        if (left > 0) { refuseSignOut(left); return; }
        clear();
        forgetDevice().then(function () { signout.submit(); });
      });
    });
  });

  window.lumboOutbox = {
    key: KEY, enqueue: enqueue, flush: flush, pending: function () { return load(); }
  };
  window.addEventListener("online", function () { flush(); });
  if (load().length) { flush(); }
})();
