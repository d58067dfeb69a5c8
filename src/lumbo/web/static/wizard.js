/* Intake wizard: show one section at a time, check each field before moving on, and put the
 * browser's validation message next to the field. Without this script the form is one long page
 * and the server does all the checking. */
(function () {
  "use strict";
  var form = document.getElementById("wizard");
  if (!form) return;
  var steps = Array.prototype.slice.call(form.querySelectorAll(".step"));
  var nav = form.querySelector(".steps-nav");
  var submit = document.getElementById("submit-intake");
  nav.hidden = false;
  form.querySelectorAll(".step .wizard-buttons").forEach(function (b) { b.hidden = false; });

  function message(el) {
    var v = el.validity;
    var label = form.querySelector('label[for="' + el.id + '"]');
    var name = label ? label.textContent.replace(/\s+/g, " ").trim() : el.name;
    if (v.valueMissing) return name + ": required";
    if (v.rangeUnderflow || v.rangeOverflow) return "must be between " + el.min + " and " + el.max;
    if (v.stepMismatch) return "must be a whole number";
    if (v.badInput) return "must be a number";
    if (v.tooLong) return "at most " + el.maxLength + " characters";
    return el.validationMessage;
  }
  function check(el) {
    if (!el.willValidate || !el.id) return true;
    var out = document.getElementById(el.id + "-err");
    var ok = el.checkValidity();
    var field = el.closest(".field");
    if (ok) {
      el.removeAttribute("aria-invalid");
      if (field) field.classList.remove("has-error");
      if (out && out.dataset.client) { out.textContent = ""; delete out.dataset.client; }
    } else {
      el.setAttribute("aria-invalid", "true");
      if (field) field.classList.add("has-error");
      if (out) { out.textContent = message(el); out.dataset.client = "1"; }
    }
    return ok;
  }
  function checkStep(step) {
    var bad = null;
    step.querySelectorAll("input, select").forEach(function (el) {
      if (!check(el) && !bad) bad = el;
    });
    if (bad) bad.focus();
    return !bad;
  }
  function show(key, focus) {
    steps.forEach(function (s) { s.hidden = s.dataset.step !== key; });
    nav.querySelectorAll("button").forEach(function (b) {
      if (b.dataset.goto === key) b.setAttribute("aria-current", "step");
      else b.removeAttribute("aria-current");
    });
    var last = steps[steps.length - 1].dataset.step === key;
    submit.parentElement.hidden = !last;
    if (focus) { var h = document.getElementById("h-" + key); if (h) h.focus(); }
  }
  function index() {
    for (var i = 0; i < steps.length; i++) { if (!steps[i].hidden) return i; }
    return 0;
  }
  form.addEventListener("click", function (ev) {
    var t = ev.target.closest("button");
    if (!t) return;
    if (t.hasAttribute("data-next")) {
      if (checkStep(steps[index()])) show(steps[index() + 1].dataset.step, true);
    } else if (t.hasAttribute("data-prev")) {
      show(steps[index() - 1].dataset.step, true);
    } else if (t.dataset.goto) {
      show(t.dataset.goto, true);
    }
  });
  form.addEventListener("change", function (ev) { if (ev.target.id) check(ev.target); });
  form.addEventListener("submit", function (ev) {
    for (var i = 0; i < steps.length; i++) {
      var ok = true;
      steps[i].querySelectorAll("input, select").forEach(function (el) { if (!check(el)) ok = false; });
      if (!ok) { ev.preventDefault(); show(steps[i].dataset.step, false); checkStep(steps[i]); return; }
    }
  });
  var first = form.dataset.firstErrorStep;
  show(first || steps[0].dataset.step, false);
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (ev) {
      var a = ev.target.closest("a");
      if (!a) return;
      var el = document.getElementById(a.getAttribute("href").slice(1));
      var step = el && el.closest(".step");
      if (step) { ev.preventDefault(); show(step.dataset.step, false); el.focus(); }
    });
  }
})();
