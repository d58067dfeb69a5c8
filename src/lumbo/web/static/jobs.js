/* Live progress of video analyses: poll GET /api/jobs/{id} and reload the page when it ends. */
(function () {
  "use strict";
  var boxes = document.querySelectorAll("[data-poll]");
  boxes.forEach(function (box) {
    var url = box.getAttribute("data-poll");
    var statusEl = box.querySelector(".job-status");
    var bar = box.querySelector(".job-progress");
    function poll() {
      fetch(url, { credentials: "same-origin" }).then(function (res) {
        if (!res.ok) { throw new Error("status " + res.status); }
        return res.json();
      }).then(function (job) {
        var pct = Math.round((job.progress || 0) * 100);
        bar.value = pct;
        bar.textContent = pct + "%";
        statusEl.textContent = job.status + (job.status === "running" ? " (" + pct + "%)" : "");
        box.setAttribute("data-status", job.status);
        if (job.status === "done" || job.status === "failed") {
          window.location.reload();
          return;
        }
        setTimeout(poll, 1000);
      }).catch(function () {
        statusEl.textContent = "Cannot reach the server; retrying.";
        setTimeout(poll, 3000);
      });
    }
    poll();
  });
})();
