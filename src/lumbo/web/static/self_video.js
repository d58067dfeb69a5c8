// The self-assessment's "measuring your video" page: ask the job's state every two seconds and
// reload when it is finished, so the page brings the result into the questions (no meta refresh:
// a timed refresh is an accessibility failure).
(function () {
  "use strict";
  var box = document.querySelector("[data-poll]");
  if (!box) { return; }
  var url = box.getAttribute("data-poll");
  function ask() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (job) {
        if (job && job.status !== "queued" && job.status !== "running") {
          window.location.reload();
          return;
        }
        if (job && typeof job.progress === "number") {
          var bar = box.querySelector("progress");
          if (bar) { bar.value = Math.round(job.progress * 100); }
        }
        setTimeout(ask, 2000);
      })
      .catch(function () { setTimeout(ask, 4000); });
  }
  setTimeout(ask, 2000);
})();
