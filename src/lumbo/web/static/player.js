/* Today's session player (issue 16): technique card, 3-2-1 countdown, hold timers (also a timed
 * hold inside each rep of a rep exercise, side plank 5 x 10 s), rest timers between sets and
 * between sides, pause / resume, skip with a reason, a beep and optional spoken cues at each
 * change, a screen wake lock while it runs, ratings that must be chosen (nothing is recorded by
 * default), a summary. It needs no network once loaded; the log goes through the outbox.
 *
 * Resume: the player keeps its place in localStorage (key lumbo.player.v1:<account>:<session>)
 * at every change, so a reload or a closed tab offers "Continue where you left off".
 *
 * Time comes from window.lumboClock ({now(): ms, after(ms, fn)}), by default Date.now and
 * setTimeout. Tests replace it with a clock they advance by hand (the documented test-only
 * speed-up of the timers: tests/e2e/web/test_patient_pages.py, TEST_CLOCK). */
(function () {
  "use strict";
  var root = document.getElementById("player");
  var dataEl = document.getElementById("session-data");
  if (!root || !dataEl) return;
  var data = JSON.parse(dataEl.textContent);
  var clock = window.lumboClock || (window.lumboClock = {
    now: function () { return Date.now(); },
    after: function (ms, fn) { return setTimeout(fn, ms); }
  });
  var meta = document.querySelector('meta[name="lumbo-account"]');
  /* Sessions finished on this device ("plan version/week/session"): with no connection the page
   * is the worker's copy from before, so the player moves on to the week's next session, which
   * the page holds too (data.upcoming). The list goes with sign-out (its key has the prefix
   * outbox.js clears). */
  var DONE_KEY = "lumbo.player.v1:" + (meta ? meta.content : "") + ":finished";
  function finishedHere() { try { return JSON.parse(localStorage.getItem(DONE_KEY) || "[]"); } catch (e) { return []; } }
  function mark(d) {
    var keep = finishedHere().filter(function (k) { return k.indexOf(d.plan_version + "/" + d.week + "/") === 0; });
    keep.push([d.plan_version, d.week, d.session_index].join("/"));
    try { localStorage.setItem(DONE_KEY, JSON.stringify(keep)); } catch (e) { /* full */ }
  }
  function localDay() {
    var d = new Date(), m = d.getMonth() + 1, day = d.getDate();
    return d.getFullYear() + "-" + (m < 10 ? "0" : "") + m + "-" + (day < 10 ? "0" : "") + day;
  }
  function moveOn() {
    var done = finishedHere();
    function isDone(index) { return done.indexOf([data.plan_version, data.week, index].join("/")) >= 0; }
    if (!isDone(data.session_index)) return true;
    var up = data.upcoming || { sessions: [] };
    var next = up.sessions.filter(function (s) { return !isDone(s.session_index); })[0];
    var list = root.querySelector(".block-list");
    var heading = root.querySelector("h2");
    var week = heading && heading.nextElementSibling;
    if (!next || localDay() > up.week_ends_on) {
      while (root.firstChild) root.removeChild(root.firstChild);
      var p = document.createElement("p");
      p.id = "next-needs-connection";
      p.textContent = next
        ? "You finished this session on this device. Connect to the internet to get next week's sessions."
        : "You finished this week's sessions on this device. Well done! Do the morning check-in after your last session.";
      root.appendChild(p);
      return false;
    }
    data.session_index = next.session_index;
    data.blocks = next.blocks;
    data.performed_on = localDay();
    heading.textContent = "Session " + next.session_index + ": " + next.blocks.length + " exercises";
    if (week && week.tagName === "P") week.textContent = "Week " + data.week + ": your next session, ready with no connection. It is sent once you are back online.";
    while (list.firstChild) list.removeChild(list.firstChild);
    next.blocks.forEach(function (b) {
      var li = document.createElement("li"), img = document.createElement("img"), span = document.createElement("span"), name = document.createElement("strong");
      li.className = "block-with-figure";
      img.className = "thumb"; img.src = "/illustrations/" + b.technique + ".svg"; img.alt = ""; img.width = 160;
      name.textContent = b.name;
      span.appendChild(name); span.appendChild(document.createTextNode(": " + b.dose));
      li.appendChild(img); li.appendChild(span); list.appendChild(li);
    });
    return true;
  }
  if (!moveOn()) return;
  var blocks = data.blocks;
  // The overstretch guard's threshold, served by the page (lumbo.domain.safety.MAX_STRETCH_INTENSITY).
  var maxIntensity = data.max_stretch_intensity;
  var KEY = "lumbo.player.v1:" + (meta ? meta.content : "") + ":" +
    [data.plan_version, data.week, data.session_index, data.performed_on].join("/");
  var SPEAK_KEY = "lumbo.player.speak";
  var audio = null;
  var wake = null;
  var st = null; /* {sessionId, i, view, logs, notes, done, k, left, skip} */
  var runId = 0; /* bumps when a timer loop must stop (pause, leave the block) */
  window.lumboBeeps = 0;
  window.lumboSpoken = [];

  function h(tag, attrs) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "on") Object.keys(attrs.on).forEach(function (ev) { e.addEventListener(ev, attrs.on[ev]); });
      else e.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) { if (arguments[i]) e.appendChild(arguments[i]); }
    return e;
  }
  function clear() { while (root.firstChild) root.removeChild(root.firstChild); }
  function focusHeading() { var hd = root.querySelector("h2"); if (hd) { hd.setAttribute("tabindex", "-1"); hd.focus(); } }
  function newId() {
    if (window.crypto && crypto.randomUUID) return "web-" + crypto.randomUUID().replace(/-/g, "");
    return "web-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }
  function save() { try { localStorage.setItem(KEY, JSON.stringify(st)); } catch (e) { /* full: the session still runs */ } }
  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "null"); } catch (e) { return null; } }
  function forget() { localStorage.removeItem(KEY); }
  function speakOn() { return localStorage.getItem(SPEAK_KEY) === "1"; }

  function beep() {
    window.lumboBeeps += 1;
    root.setAttribute("data-beeps", String(window.lumboBeeps));
    try {
      if (!audio) return;
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.2;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + 0.35);
    } catch (e) { /* no sound available: the visual cue stays */ }
  }
  function say(text) {
    if (!speakOn()) return;
    window.lumboSpoken.push(text);
    try {
      if (window.speechSynthesis && window.SpeechSynthesisUtterance) {
        speechSynthesis.cancel();
        speechSynthesis.speak(new SpeechSynthesisUtterance(text));
      }
    } catch (e) { /* no voice available: the text and the beep stay */ }
  }
  function lockScreen() {
    try {
      if (navigator.wakeLock && !wake) {
        navigator.wakeLock.request("screen").then(function (w) {
          wake = w; root.setAttribute("data-wake-lock", "on");
          w.addEventListener("release", function () { wake = null; root.setAttribute("data-wake-lock", "off"); });
        }, function () { root.setAttribute("data-wake-lock", "refused"); });
      }
    } catch (e) { /* not offered by this browser */ }
  }
  function unlockScreen() { if (wake) { wake.release(); wake = null; } }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && st && st.view === "block") lockScreen();
  });
  function mmss(s) {
    s = Math.max(0, Math.ceil(s));
    var m = Math.floor(s / 60), r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }

  function begin(saved) {
    try { var AC = window.AudioContext || window.webkitAudioContext; if (AC) audio = new AC(); } catch (e) { audio = null; }
    lockScreen();
    st = saved || { sessionId: newId(), i: 0, view: "block", logs: [], notes: [], done: 0, k: -1, left: null, skip: null };
    save();
    render();
  }
  function render() {
    if (st.view === "block") showBlock(st.i);
    else if (st.view === "questions") askBlock(st.i);
    else if (st.view === "warnings") askWarnings();
  }

  function card(i, b) {
    var steps = h("ol", {});
    b.steps.forEach(function (s) { steps.appendChild(h("li", { text: s })); });
    var cues = h("ul", {});
    b.cues.forEach(function (c) { cues.appendChild(h("li", { text: c })); });
    var figure = h("figure", { class: "figure" },
      h("img", { src: "/illustrations/" + encodeURIComponent(b.technique) + ".svg?motion=1",
                 alt: b.name + ": the movement", width: "360" }));
    var more = h("details", {}, h("summary", { text: "How to do it, and why" }),
      h("p", { class: "why", text: b.why }),
      b.equipment.length ? h("p", { text: "You need " + b.equipment.join(", ") + "." }) : null,
      b.steps.length ? h("h3", { text: "Steps" }) : null, b.steps.length ? steps : null,
      b.cues.length ? h("h3", { text: "Cues" }) : null, b.cues.length ? cues : null,
      h("p", {}, h("a", { href: "/techniques/" + encodeURIComponent(b.technique), text: "The full page for " + b.name })));
    return h("div", { class: "card" },
      h("h2", { text: "Block " + (i + 1) + " of " + blocks.length + ": " + b.name }),
      h("p", { class: "dose", text: b.dose }),
      h("div", { class: "run" }), figure, more);
  }

  /* The timed (and counted) parts of one block, in order. */
  function script(b) {
    var out = [];
    var sides = b.per_side ? [" left side", " right side"] : [""];
    for (var s = 1; s <= b.sets; s++) {
      sides.forEach(function (side, si) {
        var tag = "Set " + s + " of " + b.sets + side;
        out.push({ label: tag + ": get ready", secs: 3, countdown: true });
        if (b.phases.length) {
          b.phases.forEach(function (p) { out.push({ label: tag + ": " + p[0], secs: p[1], beep: true }); });
        } else if (b.rep_hold_s) {
          for (var r = 1; r <= b.reps; r++) {
            out.push({ label: tag + ": rep " + r + " of " + b.reps + ", hold", secs: b.rep_hold_s, beep: true, rep: r });
            if (r < b.reps) out.push({ label: tag + ": let go, ready for rep " + (r + 1), secs: 2 });
          }
        } else {
          out.push({ label: tag + ": " + b.reps + " reps at your own pace", manual: true });
        }
        if (si + 1 < sides.length && b.side_rest_s) {
          out.push({ label: "Rest, then change to the other side", secs: b.side_rest_s, rest: true });
        }
      });
      out[out.length - 1].endsSet = s;
      if (b.rest_s && s < b.sets) out.push({ label: "Rest before set " + (s + 1), secs: b.rest_s, rest: true });
    }
    return out;
  }

  function showBlock(i) {
    var b = blocks[i];
    runId += 1;
    var myRun = runId;
    clear();
    var cardEl = card(i, b);
    root.appendChild(cardEl);
    var run = cardEl.querySelector(".run");
    var phase = h("p", { class: "phase", "aria-live": "polite", id: "phase" });
    var timer = h("p", { class: "timer", id: "timer", "aria-hidden": "true", text: "" });
    var bar = h("progress", { max: "100", value: "0", "aria-label": "time in this part" });
    var controls = h("div", { class: "controls sticky" });
    run.appendChild(phase); run.appendChild(timer); run.appendChild(bar); run.appendChild(controls);

    function toQuestions() {
      runId += 1;
      st.view = "questions"; st.k = -1; st.left = null;
      save();
      askBlock(i);
    }
    function skipAsk() {
      runId += 1;
      var reasons = ["It hurt", "It was too hard", "I could not get into position", "I do not have the equipment", "No time today", "Another reason"];
      clear();
      var form = h("form", { id: "skip-form" });
      form.appendChild(h("h2", { text: "Skip " + b.name + ": why?" }));
      var fs = h("fieldset", { class: "checks" }, h("legend", { text: "Choose a reason (your clinician sees it)" }));
      reasons.forEach(function (r, n) {
        var input = h("input", { type: "radio", name: "skip_reason", id: "skip-" + n, value: r });
        var lab = h("label", { for: "skip-" + n }, input);
        lab.appendChild(document.createTextNode(" " + r));
        fs.appendChild(lab);
      });
      form.appendChild(fs);
      var err = h("p", { class: "error", id: "skip-error", role: "alert" });
      form.appendChild(err);
      form.appendChild(h("div", { class: "controls sticky" },
        h("button", { type: "submit", id: "skip-confirm", text: "Skip and answer the questions" }),
        h("button", { type: "button", class: "secondary", id: "skip-cancel", text: "Back to the exercise", on: { click: function () { showBlock(i); } } })));
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var chosen = form.querySelector("input[name=skip_reason]:checked");
        if (!chosen) { err.textContent = "Choose a reason first."; return; }
        st.skip = chosen.value;
        st.notes.push("Skipped " + b.name + ": " + chosen.value.toLowerCase() + ".");
        toQuestions();
      });
      root.appendChild(form);
      focusHeading();
    }
    var skipBtn = h("button", { type: "button", class: "secondary", id: "skip-block", on: { click: skipAsk }, text: "Skip…" });

    if (b.kind === "education") {
      phase.textContent = "Take your time to read it: " + b.dose + ".";
      cardEl.querySelector("details").open = true;
      controls.appendChild(h("button", { type: "button", id: "block-done", on: { click: function () { st.done = b.sets; toQuestions(); } }, text: "Done" }));
      focusHeading();
      return;
    }

    var steps = script(b);
    var startedAt = 0, paused = false, reps = 0;
    var pauseBtn = h("button", { type: "button", class: "secondary", id: "pause", text: "Pause" });
    pauseBtn.hidden = true;
    var skipRest = h("button", { type: "button", class: "secondary", id: "skip-rest", text: "Skip the rest" });
    skipRest.hidden = true;
    var manual = h("div", { class: "manual" });
    function leftNow() { var sp = steps[st.k]; return sp.secs - (clock.now() - startedAt) / 1000; }
    function enter(k, left) {
      st.k = k;
      if (k >= steps.length) { st.done = b.sets; toQuestions(); return; }
      var sp = steps[k];
      phase.textContent = sp.label;
      say(sp.label);
      pauseBtn.hidden = !!sp.manual;
      skipRest.hidden = !sp.rest;
      while (manual.firstChild) manual.removeChild(manual.firstChild);
      st.left = sp.manual ? null : (left == null ? sp.secs : left);
      save();
      if (sp.manual) { reps = 0; counted(sp); return; }
      startedAt = clock.now() - (sp.secs - st.left) * 1000;
      tick(runId);
    }
    function counted(sp) {
      timer.textContent = "rep " + reps + " / " + b.reps;
      bar.value = Math.round(100 * reps / b.reps);
      manual.appendChild(h("button", { type: "button", id: "rep-done", on: { click: function () {
        reps += 1; timer.textContent = "rep " + reps + " / " + b.reps; bar.value = Math.round(100 * reps / b.reps);
        if (reps >= b.reps) finishStep(sp);
      } }, text: "Count a rep" }));
      manual.appendChild(h("button", { type: "button", id: "set-done", on: { click: function () { finishStep(sp); } }, text: "Set done" }));
    }
    function finishStep(sp) {
      if (sp.beep) beep();
      if (sp.endsSet) st.done = sp.endsSet;
      enter(st.k + 1, null);
    }
    function tick(id) {
      if (id !== runId || paused) return;
      var sp = steps[st.k];
      var left = leftNow();
      timer.textContent = sp.countdown ? String(Math.max(1, Math.ceil(left))) : mmss(left);
      bar.value = Math.min(100, 100 * (1 - left / sp.secs));
      if (Math.ceil(left) !== Math.ceil(st.left)) { st.left = Math.max(0, left); save(); }
      if (left <= 0) { finishStep(sp); return; }
      clock.after(200, function () { tick(id); });
    }
    pauseBtn.addEventListener("click", function () {
      if (!paused) {
        paused = true; st.left = Math.max(0, leftNow()); save();
        runId += 1; pauseBtn.textContent = "Resume"; phase.textContent = "Paused: " + steps[st.k].label;
        say("Paused");
      } else {
        paused = false; pauseBtn.textContent = "Pause";
        startedAt = clock.now() - (steps[st.k].secs - st.left) * 1000;
        phase.textContent = steps[st.k].label; say(steps[st.k].label);
        tick(runId);
      }
    });
    skipRest.addEventListener("click", function () { finishStep(steps[st.k]); });

    if (st.k >= 0 && st.k < steps.length) {
      /* resumed after a reload: back where it was, waiting for the person */
      var sp = steps[st.k];
      phase.textContent = "You were here: " + sp.label + ". Press continue when you are in position.";
      timer.textContent = sp.manual ? "" : mmss(st.left == null ? sp.secs : st.left);
      controls.appendChild(h("button", { type: "button", id: "start-block", on: { click: function (ev) {
        ev.target.remove(); enter(st.k, st.left);
      } }, text: "Continue" }));
    } else {
      phase.textContent = "Press start when you are in position.";
      controls.appendChild(h("button", { type: "button", id: "start-block", on: { click: function (ev) {
        ev.target.remove(); enter(0, null);
      } }, text: "Start" }));
    }
    controls.appendChild(manual);
    controls.appendChild(pauseBtn);
    controls.appendChild(skipRest);
    controls.appendChild(skipBtn);
    focusHeading();
  }

  /* A 0-10 scale of radio buttons: nothing is chosen until the person chooses. */
  function scale(id, label, hint) {
    var fs = h("fieldset", { class: "scale", id: id });
    fs.appendChild(h("legend", { text: label }));
    if (hint) fs.appendChild(h("p", { class: "muted hint", text: hint }));
    var row = h("div", { class: "scale-row" });
    for (var n = 0; n <= 10; n++) {
      var input = h("input", { type: "radio", name: id, id: id + "-" + n, value: String(n) });
      row.appendChild(h("label", { for: id + "-" + n }, input, h("span", { text: String(n) })));
    }
    fs.appendChild(row);
    fs.appendChild(h("p", { class: "error", id: id + "-error" }));
    return fs;
  }
  function checkbox(id, label) {
    var input = h("input", { id: id, name: id, type: "checkbox" });
    var lab = h("label", { for: id }, input);
    lab.appendChild(document.createTextNode(" " + label));
    return h("div", { class: "field checks" }, lab);
  }

  function askBlock(i) {
    var b = blocks[i];
    runId += 1;
    clear();
    var stretch = b.kind !== "education";
    var form = h("form", { id: "block-answers", novalidate: "" });
    form.appendChild(h("h2", { text: "How was " + b.name + "?" }));
    if (st.skip) form.appendChild(h("p", { class: "muted", text: "You skipped it (" + st.skip.toLowerCase() + "). Answer for the part you did, or for how you feel now." }));
    var sets = h("input", { id: "completed_sets", name: "completed_sets", type: "number", min: "0", max: "20", step: "1", inputmode: "numeric", value: String(st.done || 0) });
    form.appendChild(h("div", { class: "field" }, h("label", { for: "completed_sets", text: "Sets completed (of " + b.sets + ")" }), sets));
    var scales = [];
    if (stretch) {
      var target = b.intensity_target != null ? "Your target: " + b.intensity_target + " or less." : "";
      scales.push(["intensity", "How strong the stretch felt (0 nothing, 10 the most you can imagine)", target]);
    }
    scales.push(["pain_during", "Pain during (0 none, 10 worst imaginable)", ""]);
    scales.push(["pain_after", "Pain now, after it (0 none, 10 worst imaginable)", ""]);
    scales.forEach(function (s) { form.appendChild(scale(s[0], s[1], s[2])); });
    form.appendChild(checkbox("sharp_pain", "Sharp or shooting pain"));
    form.appendChild(checkbox("new_numbness_or_tingling", "New numbness or tingling"));
    form.appendChild(checkbox("symptoms_spread_down_leg", "Pain, numbness or tingling spread further down your leg"));
    var warning = h("div", { class: "overstretch", id: "overstretch", role: "alert", text: root.getAttribute("data-overstretch") });
    warning.hidden = true;
    form.appendChild(warning);
    var missing = h("p", { class: "error", id: "answers-error", role: "alert" });
    form.appendChild(missing);
    form.appendChild(h("div", { class: "controls sticky" }, h("button", { type: "submit", id: "save-block", text: i + 1 < blocks.length ? "Save and go to the next block" : "Save and finish" })));
    function val(id) { var e = form.querySelector("input[name=" + id + "]:checked"); return e ? Number(e.value) : null; }
    function checked(id) { return form.querySelector("#" + id).checked; }
    function update() { warning.hidden = !((stretch && val("intensity") > maxIntensity) || checked("sharp_pain") || checked("new_numbness_or_tingling") || checked("symptoms_spread_down_leg")); }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var gaps = scales.filter(function (s) { return val(s[0]) === null; });
      scales.forEach(function (s) {
        var fs = form.querySelector("#" + s[0]);
        var bad = val(s[0]) === null;
        fs.classList.toggle("has-error", bad);
        fs.querySelector(".error").textContent = bad ? "Choose a number." : "";
      });
      if (gaps.length) {
        missing.textContent = "Choose a number for each question: nothing is filled in for you.";
        form.querySelector("#" + gaps[0][0] + "-0").focus();
        return;
      }
      var n = Math.max(0, Math.min(20, Math.round(Number(sets.value) || 0)));
      st.logs.push({
        technique: b.technique,
        completed_sets: n,
        completed_reps: b.kind === "reps" && n ? b.reps : null,
        hold_s: (b.kind === "hold" || b.kind === "contract_relax" || (b.kind === "reps" && b.rep_hold_s)) && n ? b.hold_s : null,
        intensity: stretch ? val("intensity") : null,
        pain_during: val("pain_during"),
        pain_after: val("pain_after"),
        sharp_pain: checked("sharp_pain"),
        new_numbness_or_tingling: checked("new_numbness_or_tingling"),
        symptoms_spread_down_leg: checked("symptoms_spread_down_leg")
      });
      st.skip = null; st.done = 0; st.k = -1; st.left = null;
      if (i + 1 < blocks.length) { st.i = i + 1; st.view = "block"; save(); showBlock(i + 1); }
      else { st.view = "warnings"; save(); askWarnings(); }
    });
    root.appendChild(form);
    focusHeading();
  }

  var WARNING_SIGNS = [
    ["saddle_numbness", "Numbness between your legs or around your back passage"],
    ["bladder_or_bowel_change", "A new problem passing or holding urine or stool"],
    ["new_weakness", "New weakness in a leg"]
  ];

  function askWarnings() {
    clear();
    unlockScreen();
    root.appendChild(h("h2", { text: "Before you save: any of these?" }));
    var form = h("form", { id: "warning-form" });
    form.appendChild(h("p", { text: "Tick any you have noticed during or since this session. Leave them all empty if none." }));
    WARNING_SIGNS.forEach(function (w) { form.appendChild(checkbox("ws_" + w[0], w[1])); });
    form.appendChild(h("div", { class: "controls sticky" }, h("button", { type: "submit", id: "save-session", text: "Save the session" })));
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var signs = WARNING_SIGNS.filter(function (w) { return form.querySelector("#ws_" + w[0]).checked; }).map(function (w) { return w[0]; });
      finish(signs);
    });
    root.appendChild(form);
    focusHeading();
  }

  function finish(signs) {
    clear();
    var logs = st.logs;
    var log = {
      session_id: st.sessionId, plan_version: data.plan_version, week: data.week,
      session_index: data.session_index, performed_on: data.performed_on, blocks: logs,
      warning_signs: signs
    };
    if (st.notes.length) log.notes = st.notes.join(" ").slice(0, 2000);
    forget();
    mark(data);
    var spread = logs.some(function (l) { return l.symptoms_spread_down_leg; });
    if (signs.length || spread) {
      root.appendChild(h("div", { class: "banner banner-danger", role: "alert", id: "stop-now" },
        h("p", { text: signs.length
          ? "Stop your exercises now and get same-day emergency care: go to an emergency department or call your emergency number today."
          : "Stop your exercises now and see your clinician before you exercise again." })));
    }
    root.appendChild(h("h2", { text: "Session summary" }));
    var body = h("tbody", {});
    var warned = false;
    logs.forEach(function (l, i) {
      var warn = (l.intensity || 0) > maxIntensity || l.sharp_pain || l.new_numbness_or_tingling || l.symptoms_spread_down_leg;
      warned = warned || warn;
      var cells = [blocks[i].name, l.completed_sets + " / " + blocks[i].sets, l.intensity == null ? "–" : l.intensity,
        l.pain_during + " / " + l.pain_after, warn ? "yes" : "no"];
      var tr = h("tr", {});
      cells.forEach(function (c, j) { tr.appendChild(h(j ? "td" : "th", j ? {} : { scope: "row" }, document.createTextNode(String(c)))); });
      body.appendChild(tr);
    });
    var head = h("tr", {});
    ["Block", "Sets", "Intensity", "Pain during / after", "Warning signs"].forEach(function (t) { head.appendChild(h("th", { scope: "col", text: t })); });
    root.appendChild(h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Session summary" }, h("table", { id: "summary" }, h("thead", {}, head), body)));
    if (warned && !signs.length && !spread) root.appendChild(h("p", { class: "overstretch", text: "Some answers were above the limits: the affected exercises will be eased back, and your clinician is told." }));
    var state = h("p", { id: "sync-state", role: "status", text: "Saving…" });
    root.appendChild(state);
    var retry = h("button", { type: "button", id: "send-now", class: "secondary", text: "Send now" });
    retry.hidden = true;
    root.appendChild(h("div", { class: "controls" }, retry, h("a", { class: "button", href: "/patients/" + data.person_id + "/checkin", text: "Tomorrow morning: check in" })));
    function show(s) {
      if (s.pending > 0) {
        state.textContent = "Saved on this device; it will be sent when you are back online.";
        retry.hidden = false;
      } else if (s.error) {
        state.textContent = s.error;
      } else {
        state.textContent = "Session saved.";
        retry.hidden = true;
      }
    }
    retry.addEventListener("click", function () { window.lumboOutbox.flush().then(show); });
    document.addEventListener("lumbo:outbox", function (ev) { show(ev.detail); });
    window.lumboOutbox.enqueue(st.sessionId, "/api/patients/" + data.person_id + "/sessions", log).then(show);
    st = null;
    focusHeading();
  }

  /* The start controls go first in the player, where a phone shows them without scrolling. */
  var saved = load();
  var speak = h("input", { type: "checkbox", id: "speak-cues" });
  speak.checked = speakOn();
  speak.addEventListener("change", function () { localStorage.setItem(SPEAK_KEY, speak.checked ? "1" : "0"); });
  var speakLabel = h("label", { for: "speak-cues" }, speak);
  speakLabel.appendChild(document.createTextNode(" Speak the instructions aloud"));
  var intro = h("div", { class: "controls start" });
  if (saved && saved.sessionId && saved.view !== "done") {
    var where = saved.view === "warnings" ? "the last questions" : "block " + (saved.i + 1) + " of " + blocks.length;
    intro.appendChild(h("button", { type: "button", id: "resume-session", on: { click: function () { begin(saved); } }, text: "Continue where you left off (" + where + ")" }));
    intro.appendChild(h("button", { type: "button", class: "secondary", id: "start-session", on: { click: function () { forget(); begin(null); } }, text: "Start again" }));
  } else {
    intro.appendChild(h("button", { type: "button", id: "start-session", on: { click: function () { begin(null); } }, text: "Start the session" }));
  }
  root.insertBefore(h("div", { class: "field checks speak" }, speakLabel), root.firstChild);
  root.insertBefore(intro, root.firstChild);
})();
