/* Today's session player: technique card, 3-2-1 countdown, hold timers with a beep at the end,
 * set and rep counters, intensity and pain after each block, the overstretch warning, a summary.
 * It needs no network once loaded; the log goes through the outbox (sent now, or when back online).
 *
 * Time comes from window.lumboClock ({now(): ms, after(ms, fn)}), by default Date.now and
 * setTimeout: tests replace it, or install a fake clock (Playwright's page.clock). */
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
  var blocks = data.blocks;
  // The overstretch guard's threshold, served by the page (lumbo.domain.safety.MAX_STRETCH_INTENSITY).
  var maxIntensity = data.max_stretch_intensity;
  var logs = [];
  var audio = null;
  var sessionId = null;
  window.lumboBeeps = 0;

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
  function mmss(s) {
    s = Math.max(0, Math.ceil(s));
    var m = Math.floor(s / 60), r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }

  function start() {
    try { var AC = window.AudioContext || window.webkitAudioContext; if (AC) audio = new AC(); } catch (e) { audio = null; }
    sessionId = newId();
    showBlock(0);
  }

  function card(i, b) {
    var steps = h("ol", {});
    b.steps.forEach(function (s) { steps.appendChild(h("li", { text: s })); });
    var cues = h("ul", {});
    b.cues.forEach(function (c) { cues.appendChild(h("li", { text: c })); });
    var figure = h("figure", { class: "figure" },
      h("img", { src: "/illustrations/" + encodeURIComponent(b.technique) + ".svg?motion=1",
                 alt: b.name + ": the movement", width: "360" }));
    return h("div", { class: "card" },
      h("h2", { text: "Block " + (i + 1) + " of " + blocks.length + ": " + b.name }),
      figure,
      h("p", { text: b.role + " · " + b.dose }),
      h("p", { class: "why", text: "Why this exercise: " + b.why }),
      b.steps.length ? h("h3", { text: "Steps" }) : null, b.steps.length ? steps : null,
      b.cues.length ? h("h3", { text: "Cues" }) : null, b.cues.length ? cues : null);
  }

  function script(b) {
    var out = [];
    var sides = b.per_side ? [" left", " right"] : [""];
    for (var s = 1; s <= b.sets; s++) {
      sides.forEach(function (side) {
        var tag = "Set " + s + " of " + b.sets + side;
        out.push({ label: tag + ": get ready", secs: 3, countdown: true });
        b.phases.forEach(function (p) { out.push({ label: tag + ": " + p[0], secs: p[1], beep: true }); });
      });
      out[out.length - 1].endsSet = s;
      if (b.rest_s && s < b.sets) out.push({ label: "Rest", secs: b.rest_s });
    }
    return out;
  }

  function showBlock(i) {
    var b = blocks[i];
    clear();
    var cardEl = card(i, b);
    root.appendChild(cardEl);
    var phase = h("p", { class: "phase", "aria-live": "polite", id: "phase" });
    var timer = h("p", { class: "timer", id: "timer", "aria-hidden": "true", text: "" });
    var bar = h("progress", { max: "100", value: "0", "aria-label": "time in this part" });
    var controls = h("div", { class: "controls" });
    /* The timer goes right under the name and dose, where a phone shows it without scrolling. */
    cardEl.insertBefore(h("div", { class: "run" }, phase, timer, bar, controls), cardEl.children[2]);
    var done = 0;
    var finished = false;
    function toQuestions() { if (!finished) { finished = true; askBlock(i, done); } }
    if (b.phases.length) {
      var steps = script(b);
      var k = -1, startedAt = 0;
      var next = function () {
        k += 1;
        if (k >= steps.length) { done = b.sets; toQuestions(); return; }
        startedAt = clock.now();
        phase.textContent = steps[k].label;
        tick();
      };
      var tick = function () {
        if (finished) return;
        var st = steps[k];
        var left = st.secs - (clock.now() - startedAt) / 1000;
        timer.textContent = st.countdown ? String(Math.max(1, Math.ceil(left))) : mmss(left);
        bar.value = Math.min(100, 100 * (1 - left / st.secs));
        if (left <= 0) {
          if (st.beep) beep();
          if (st.endsSet) done = st.endsSet;
          next();
          return;
        }
        clock.after(200, tick);
      };
      phase.textContent = "Press start when you are in position.";
      controls.appendChild(h("button", { type: "button", id: "start-block", on: { click: function (ev) { ev.target.disabled = true; next(); } }, text: "Start" }));
      controls.appendChild(h("button", { type: "button", class: "secondary", on: { click: toQuestions }, text: "Stop and answer" }));
    } else if (b.kind === "reps") {
      var reps = 0;
      var count = function () {
        phase.textContent = "Set " + (done + 1) + " of " + b.sets + ": " + b.reps + " reps" +
          (b.per_side ? " each side" : "") + " at your own pace.";
        timer.textContent = "rep " + reps + " / " + b.reps;
        bar.value = Math.round(100 * done / b.sets);
      };
      var setDone = function () {
        done += 1; reps = 0;
        if (done >= b.sets) toQuestions(); else count();
      };
      count();
      controls.appendChild(h("button", { type: "button", id: "rep-done", on: { click: function () {
        reps += 1;
        if (reps >= b.reps) setDone(); else count();
      } }, text: "Count a rep" }));
      controls.appendChild(h("button", { type: "button", id: "set-done", on: { click: setDone }, text: "Set done" }));
      controls.appendChild(h("button", { type: "button", class: "secondary", on: { click: toQuestions }, text: "Stop and answer" }));
    } else {
      phase.textContent = "Take your time: " + b.dose + ".";
      controls.appendChild(h("button", { type: "button", id: "block-done", on: { click: function () { done = b.sets; toQuestions(); } }, text: "Done" }));
    }
    focusHeading();
  }

  function slider(id, label, value) {
    var out = h("output", { id: id + "-out", for: id, text: String(value) });
    var input = h("input", { id: id, name: id, type: "range", min: "0", max: "10", step: "1", value: String(value) });
    input.addEventListener("input", function () { out.textContent = input.value; });
    var lab = h("label", { for: id, text: label + ": " });
    lab.appendChild(out);
    return h("div", { class: "field" }, lab, input);
  }
  function checkbox(id, label) {
    var input = h("input", { id: id, name: id, type: "checkbox" });
    var lab = h("label", { for: id }, input);
    lab.appendChild(document.createTextNode(" " + label));
    return h("div", { class: "field checks" }, lab);
  }

  function askBlock(i, setsDone) {
    var b = blocks[i];
    clear();
    var stretch = b.kind !== "education";
    var form = h("form", { id: "block-answers", novalidate: "" });
    form.appendChild(h("h2", { text: "How was " + b.name + "?" }));
    var sets = h("input", { id: "completed_sets", name: "completed_sets", type: "number", min: "0", max: "20", step: "1", value: String(setsDone) });
    form.appendChild(h("div", { class: "field" }, h("label", { for: "completed_sets", text: "Sets completed (of " + b.sets + ")" }), sets));
    if (stretch) {
      var target = b.intensity_target != null ? " (target " + b.intensity_target + "/10 or less)" : "";
      form.appendChild(slider("intensity", "Stretch intensity 0-10" + target, 0));
    }
    form.appendChild(slider("pain_during", "Pain during 0-10", 0));
    form.appendChild(slider("pain_after", "Pain after 0-10", 0));
    form.appendChild(checkbox("sharp_pain", "Sharp or shooting pain"));
    form.appendChild(checkbox("new_numbness_or_tingling", "New numbness or tingling"));
    form.appendChild(checkbox("symptoms_spread_down_leg", "Pain, numbness or tingling spread further down your leg"));
    var warning = h("div", { class: "overstretch", id: "overstretch", role: "alert", text: root.getAttribute("data-overstretch") });
    warning.hidden = true;
    form.appendChild(warning);
    form.appendChild(h("div", { class: "controls" }, h("button", { type: "submit", id: "save-block", text: i + 1 < blocks.length ? "Save and go to the next block" : "Save and finish" })));
    function val(id) { var e = form.querySelector("#" + id); return e ? Number(e.value) : null; }
    function checked(id) { return form.querySelector("#" + id).checked; }
    function update() { warning.hidden = !((stretch && val("intensity") > maxIntensity) || checked("sharp_pain") || checked("new_numbness_or_tingling") || checked("symptoms_spread_down_leg")); }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var n = Math.max(0, Math.min(20, Math.round(Number(sets.value) || 0)));
      logs.push({
        technique: b.technique,
        completed_sets: n,
        completed_reps: b.kind === "reps" && n ? b.reps : null,
        hold_s: (b.kind === "hold" || b.kind === "contract_relax") && n ? b.hold_s : null,
        intensity: stretch ? val("intensity") : null,
        pain_during: val("pain_during"),
        pain_after: val("pain_after"),
        sharp_pain: checked("sharp_pain"),
        new_numbness_or_tingling: checked("new_numbness_or_tingling"),
        symptoms_spread_down_leg: checked("symptoms_spread_down_leg")
      });
      if (i + 1 < blocks.length) showBlock(i + 1); else askWarnings();
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
    root.appendChild(h("h2", { text: "Before you save: any of these?" }));
    var form = h("form", { id: "warning-form" });
    form.appendChild(h("p", { text: "Tick any you have noticed during or since this session. Leave them all empty if none." }));
    WARNING_SIGNS.forEach(function (w) { form.appendChild(checkbox("ws_" + w[0], w[1])); });
    form.appendChild(h("div", { class: "controls" }, h("button", { type: "submit", id: "save-session", text: "Save the session" })));
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
    var log = {
      session_id: sessionId, plan_version: data.plan_version, week: data.week,
      session_index: data.session_index, performed_on: data.performed_on, blocks: logs,
      warning_signs: signs
    };
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
    if (warned && !signs.length && !spread) root.appendChild(h("p", { class: "overstretch", text: "Some answers were above the limits: the affected techniques will be eased back, and your clinician is told." }));
    var state = h("p", { id: "sync-state", role: "status", text: "Saving…" });
    root.appendChild(state);
    var retry = h("button", { type: "button", id: "send-now", class: "secondary", text: "Send now" });
    retry.hidden = true;
    root.appendChild(h("div", { class: "controls" }, retry, h("a", { class: "button", href: "/patients/" + data.person_id + "/checkin", text: "Tomorrow morning: check in" })));
    function show(st) {
      if (st.pending > 0) {
        state.textContent = "Saved on this device; it will be sent when you are back online.";
        retry.hidden = false;
      } else if (st.error) {
        state.textContent = st.error;
      } else {
        state.textContent = "Session saved.";
        retry.hidden = true;
      }
    }
    retry.addEventListener("click", function () { window.lumboOutbox.flush().then(show); });
    document.addEventListener("lumbo:outbox", function (ev) { show(ev.detail); });
    window.lumboOutbox.enqueue(sessionId, "/api/patients/" + data.person_id + "/sessions", log).then(show);
    focusHeading();
  }

  var intro = h("div", { class: "controls" }, h("button", { type: "button", id: "start-session", on: { click: start }, text: "Start the session" }));
  root.appendChild(intro);
})();
