/* Questionnaires on the phone (issue 16): one question per screen, a 0-N scale to tap (nothing is
 * chosen for the person), back and next, kept in localStorage as it goes (a reload or a closed tab
 * continues at the same question), sent through the outbox with a client id (sent once). */
(function () {
  "use strict";
  var root = document.getElementById("questionnaire");
  var dataEl = document.getElementById("questionnaire-data");
  if (!root || !dataEl) return;
  var data = JSON.parse(dataEl.textContent);
  var items = data.items;
  var meta = document.querySelector('meta[name="lumbo-account"]');
  var KEY = "lumbo.q.v1:" + (meta ? meta.content : "") + ":" + data.kind + ":" + (data.week || 0);
  var st = null;
  try { st = JSON.parse(localStorage.getItem(KEY) || "null"); } catch (e) { st = null; }
  if (!st) st = { id: "q-" + (window.crypto && crypto.randomUUID ? crypto.randomUUID().replace(/-/g, "") : String(Date.now()) + Math.random().toString(36).slice(2)), at: 0, answers: {} };
  function save() { localStorage.setItem(KEY, JSON.stringify(st)); }

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

  function show(n) {
    st.at = n; save();
    clear();
    if (n >= items.length) { finish(); return; }
    var it = items[n];
    var form = h("form", { id: "question-form", novalidate: "" });
    form.appendChild(h("p", { class: "muted", id: "question-count", text: "Question " + (n + 1) + " of " + items.length }));
    var named = it.names_activity ? (st.answers[it.id] || null) : null;
    var activity = null;
    var err = h("p", { class: "error", id: "answer-error", role: "alert" });
    if (it.names_activity) {
      form.appendChild(h("p", { class: "question", id: "question-text", text: it.text }));
      form.appendChild(err);  // above the field: on a long screen it stays in sight
      activity = h("input", { type: "text", id: "activity-name", name: "activity", maxlength: "200", autocomplete: "off", "aria-describedby": "activity-hint" });
      if (named) activity.value = named.activity;
      form.appendChild(h("div", { class: "field" },
        h("label", { for: "activity-name", text: "The activity, in your own words" }), activity,
        h("p", { class: "muted hint", id: "activity-hint", text: "For example: lifting my child, gardening, sitting through a film." })));
    }
    if (it.kind === "number") { showTest(n, it, form, err); return; }
    var fs = h("fieldset", { class: "scale", id: "answer" });
    fs.appendChild(h("legend", it.names_activity ? { id: "rating-text", text: "How well can you do it today?" } : { id: "question-text", text: it.text }));
    var choices = it.choices;
    if (!choices) {
      fs.appendChild(h("p", { class: "muted hint", text: it.low + " means " + it.low_words + "; " + it.high + " means " + it.high_words + "." }));
      choices = [];
      for (var v = it.low; v <= it.high; v++) choices.push({ value: v, words: String(v) });
    }
    var row = h("div", { class: it.choices ? "scale-row choice-row" : choices.length <= 7 ? "scale-row few" : "scale-row" });
    choices.forEach(function (c, i) {
      var input = h("input", { type: "radio", name: "answer", id: "answer-" + c.value, value: String(i) });
      if ((named ? named.score : st.answers[it.id]) === c.value) input.checked = true;
      row.appendChild(h("label", { for: "answer-" + c.value }, input, h("span", { text: c.words })));
    });
    fs.appendChild(row);
    form.appendChild(fs);
    if (!it.names_activity) form.appendChild(err);
    var buttons = h("div", { class: "controls sticky" });
    buttons.appendChild(h("button", { type: "submit", id: "next", text: n + 1 < items.length ? "Next" : "Finish" }));
    if (it.optional) buttons.appendChild(h("button", { type: "button", class: "secondary", id: "skip-question", text: it.ends_group ? (it.id.slice(-2) === "-1" ? "I have none to name" : "No more activities") : "Leave this one out", on: { click: function () {
      st.answers[it.id] = null;
      var next = n + 1;
      if (it.ends_group) { while (next < items.length && items[next].ends_group) { st.answers[items[next].id] = null; next++; } }
      show(next);
    } } }));
    if (n > 0) buttons.appendChild(h("button", { type: "button", class: "secondary", id: "back", text: "Back", on: { click: function () { show(n - 1); } } }));
    form.appendChild(buttons);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var chosen = form.querySelector("input[name=answer]:checked");
      if (activity && !activity.value.trim()) { err.textContent = "Write the activity first, or choose " + (it.id.slice(-2) === "-1" ? "\u201cI have none to name\u201d." : "\u201cNo more activities\u201d."); activity.focus(); return; }
      if (!chosen) { err.textContent = (it.choices ? "Choose an answer first" : "Choose a number first") + ": nothing is filled in for you."; err.scrollIntoView({ block: "center" }); return; }
      var value = choices[Number(chosen.value)].value;
      st.answers[it.id] = activity ? { activity: activity.value.trim().slice(0, 200), score: value } : value;
      show(n + 1);
    });
    root.appendChild(form);
    var heading = form.querySelector("#question-text"); heading.setAttribute("tabindex", "-1"); heading.focus();
  }

  /* A self-test left until after a self-assessment's first plan: its picture, how to do it, when
   * to stop, and a number to type (it may be left out). */
  function showTest(n, it, form, err) {
    form.appendChild(h("h2", { class: "question", id: "question-text", text: it.text }));
    if (it.picture) form.appendChild(h("figure", { class: "sa-picture" }, h("img", { src: it.picture, alt: "Drawing of the position for this test", width: "320", height: "240" })));
    var ol = h("ol", { class: "sa-steps" });
    (it.steps || []).forEach(function (line) { ol.appendChild(h("li", { text: line })); });
    form.appendChild(ol);
    if (it.stop_if) form.appendChild(h("p", { class: "banner banner-warn", id: "stop-if", text: it.stop_if }));
    var input = h("input", { type: "number", id: "answer-number", name: "answer", inputmode: "numeric", min: String(it.low), max: String(it.high), step: "1" });
    if (st.answers[it.id] != null) input.value = String(st.answers[it.id]);
    form.appendChild(h("div", { class: "field" }, h("label", { for: "answer-number", text: it.label || "Your result" }), input));
    form.appendChild(err);
    var buttons = h("div", { class: "controls sticky" });
    buttons.appendChild(h("button", { type: "submit", id: "next", text: n + 1 < items.length ? "Next" : "Finish" }));
    buttons.appendChild(h("button", { type: "button", class: "secondary", id: "skip-question", text: "Leave this test out", on: { click: function () { st.answers[it.id] = null; show(n + 1); } } }));
    if (n > 0) buttons.appendChild(h("button", { type: "button", class: "secondary", id: "back", text: "Back", on: { click: function () { show(n - 1); } } }));
    form.appendChild(buttons);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var v = Number(input.value);
      if (input.value.trim() === "" || !Number.isInteger(v) || v < it.low || v > it.high) {
        err.textContent = "Type a whole number from " + it.low + " to " + it.high + ", or choose \u201cLeave this test out\u201d.";
        input.focus(); return;
      }
      st.answers[it.id] = v;
      show(n + 1);
    });
    root.appendChild(form);
    var heading = form.querySelector("#question-text"); heading.setAttribute("tabindex", "-1"); heading.focus();
  }

  function finish() {
    var answers = { nprs: st.answers.nprs };
    var odi = items.filter(function (it) { return it.instrument === "odi"; });
    if (odi.length) answers.odi = odi.map(function (it) { var v = st.answers[it.id]; return v == null ? null : v; });
    ["rmdq", "start_back", "fabq"].forEach(function (name) {
      var its = items.filter(function (it) { return it.instrument === name; });
      if (its.length) answers[name] = its.map(function (it) { return st.answers[it.id]; });
    });
    var promis = items.filter(function (it) { return it.instrument === "promis_pi_4a"; });
    if (promis.length) {
      answers.promis_pi_4a = {};
      promis.forEach(function (it) { answers.promis_pi_4a[it.code] = st.answers[it.id]; });
    }
    items.forEach(function (it) { if (it.kind === "number" && st.answers[it.id] != null) answers[it.id] = st.answers[it.id]; });
    var psfs = items.filter(function (it) { return it.instrument === "psfs" && st.answers[it.id] != null; });
    if (psfs.length) answers.psfs = psfs.map(function (it) { return it.names_activity ? st.answers[it.id] : { activity: it.activity, score: st.answers[it.id] }; });
    var body = { response_id: st.id, kind: data.kind, week: data.week, answers: answers };
    localStorage.removeItem(KEY);
    root.appendChild(h("h2", { text: "Thank you" }));
    var state = h("p", { id: "questionnaire-state", role: "status", text: "Saving…" });
    root.appendChild(state);
    root.appendChild(h("p", {}, h("a", { href: "/patients/" + data.person_id + "/today", text: "Back to today's session" })));
    function shown(s) {
      state.textContent = s.pending > 0 ? "Saved on this device; it will be sent when you are back online."
        : (s.error || (data.has_clinician === false ? "Your answers are saved." : "Your answers are saved. Your clinician will see them."));
    }
    document.addEventListener("lumbo:outbox", function (ev) { shown(ev.detail); });
    window.lumboOutbox.enqueue(st.id, "/api/patients/" + data.person_id + "/questionnaires", body).then(shown);
    root.querySelector("h2").setAttribute("tabindex", "-1");
    root.querySelector("h2").focus();
  }

  var intro = h("div", { class: "controls" }, h("button", { type: "button", id: "start-questionnaire", text: st.at > 0 ? "Continue at question " + (st.at + 1) : "Start", on: { click: function () { show(st.at); } } }));
  root.appendChild(intro);
})();
