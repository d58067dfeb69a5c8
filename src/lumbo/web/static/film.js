/* Filming page: open the camera, show the framing guide for the chosen movement, check the first
   seconds on the server (whole body in view, right view), record with MediaRecorder, upload through
   the same form post as a chosen file, then go to the analysis. */
(function () {
  "use strict";
  var form = document.getElementById("film-form");
  if (!form) { return; }
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var select = document.getElementById("film-movement");
  var video = document.getElementById("film-video");
  var stage = document.querySelector(".film-stage");
  var startBtn = document.getElementById("film-start");
  var checkBtn = document.getElementById("film-check");
  var recordBtn = document.getElementById("film-record");
  var stopBtn = document.getElementById("film-stop");
  var status = document.getElementById("film-status");
  var message = document.getElementById("film-message");
  var problems = document.getElementById("film-problems");
  var CHECK_MS = 2500;
  var MAX_RECORD_MS = 60000;
  var stream = null;
  var recorder = null;
  var chunks = [];
  var stopTimer = null;

  function say(text, kind, list) {
    message.textContent = text;
    problems.textContent = "";
    (list || []).forEach(function (p) {
      var li = document.createElement("li");
      li.textContent = p;
      problems.appendChild(li);
    });
    status.className = "banner" + (kind ? " banner-" + kind : "");
  }

  function showView() {
    var view = select.options[select.selectedIndex].getAttribute("data-view");
    document.getElementById("film-view-word").textContent = view;
    document.getElementById("film-view-part").textContent = view === "side" ? "side" : "front";
    stage.classList.toggle("view-front", view === "front");
  }
  select.addEventListener("change", showView);
  showView();

  function mimeType() {
    var types = ["video/webm;codecs=vp8", "video/webm;codecs=vp9", "video/webm", "video/mp4"];
    for (var i = 0; i < types.length; i++) {
      if (window.MediaRecorder && MediaRecorder.isTypeSupported(types[i])) { return types[i]; }
    }
    return "";
  }

  function record(ms, done) {
    var type = mimeType();
    var parts = [];
    var rec = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
    rec.ondataavailable = function (e) { if (e.data && e.data.size) { parts.push(e.data); } };
    rec.onstop = function () {
      var kind = (type || "video/webm").split(";")[0];
      done(new Blob(parts, { type: kind }), kind);
    };
    rec.start(500);
    if (ms) { setTimeout(function () { if (rec.state !== "inactive") { rec.stop(); } }, ms); }
    return rec;
  }

  function post(url, blob, kind, name) {
    var data = new FormData();
    data.append("csrf_token", csrf);
    data.append("movement", select.value);
    data.append("file", blob, name + (kind === "video/mp4" ? ".mp4" : ".webm"));
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRF-Token": csrf }
    });
  }

  startBtn.addEventListener("click", function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.MediaRecorder) {
      say("This browser cannot film here. Record with your camera app and upload the file instead.", "danger");
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        startBtn.disabled = true;
        checkBtn.disabled = false;
        recordBtn.disabled = false;
        say("The camera is on. Step into the dashed frame, then press \"Check the framing\".", "");
      })
      .catch(function () {
        say("The camera could not be opened. Allow the camera for this site, or upload a video file instead.", "danger");
      });
  });

  checkBtn.addEventListener("click", function () {
    checkBtn.disabled = true;
    recordBtn.disabled = true;
    say("Checking: stand still in the frame for a few seconds.", "warn");
    record(CHECK_MS, function (blob, kind) {
      say("Checking the picture.", "warn");
      post(form.getAttribute("data-check"), blob, kind, "check")
        .then(function (res) { return res.json(); })
        .then(function (answer) {
          checkBtn.disabled = false;
          recordBtn.disabled = false;
          status.setAttribute("data-check", answer.ok === true ? "ok" : answer.ok === false ? "fix" : "unknown");
          say(answer.message, answer.ok === true ? "ok" : answer.ok === false ? "danger" : "warn", answer.problems);
        })
        .catch(function () {
          checkBtn.disabled = false;
          recordBtn.disabled = false;
          say("The check did not work. You can still record.", "warn");
        });
    });
  });

  recordBtn.addEventListener("click", function () {
    recordBtn.disabled = true;
    checkBtn.disabled = true;
    stopBtn.disabled = false;
    stage.classList.add("film-recording");
    say("Recording. Stand still for a second, do the movement slowly, then press \"Stop and upload\".", "warn");
    recorder = record(0, function (blob, kind) {
      stage.classList.remove("film-recording");
      say("Uploading the video.", "warn");
      post(form.getAttribute("data-upload"), blob, kind, "filmed")
        .then(function (res) {
          if (res.ok && res.redirected) { window.location.assign(res.url); return; }
          return res.text().then(function () {
            say("The upload was refused. Try again, or upload a video file instead.", "danger");
            recordBtn.disabled = false;
            checkBtn.disabled = false;
          });
        })
        .catch(function () {
          say("The upload failed: check the connection and try again.", "danger");
          recordBtn.disabled = false;
        });
    });
    stopTimer = setTimeout(function () { stopBtn.click(); }, MAX_RECORD_MS);
  });

  stopBtn.addEventListener("click", function () {
    stopBtn.disabled = true;
    if (stopTimer) { clearTimeout(stopTimer); stopTimer = null; }
    if (recorder && recorder.state !== "inactive") { recorder.stop(); }
  });
})();
