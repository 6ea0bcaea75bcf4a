/* The 1-on-1 form (pages/record.py): one step of the rap per screen on a phone, the step
 * index on a desk, errors that lead to their field, and a draft kept on this device as you
 * type (per user and per record; cleared after a save and on sign-out). Nothing here leaves
 * the browser: the server draft is kept only when "Save as draft" is pressed. */
(function () {
  "use strict";

  var PHONE = window.matchMedia("(max-width: 767.98px)");
  var PREFIX = "mapper-draft:";
  var WAIT_MS = 400;
  // A draft left on a device is personal data: it is forgotten after a week.
  var MAX_AGE_MS = 7 * 24 * 3600 * 1000;
  var current = 0;
  var timer = null;

  function theForm() { return document.querySelector(".record-form"); }
  function stepsOf(f) { return Array.prototype.slice.call(f.querySelectorAll(".form-step")); }

  function fieldPath(el) {
    if (!el.id || el.id.charAt(0) !== "{") { return null; }
    try {
      var id = JSON.parse(el.id);
      return id.type === "form-field" ? id.field : null;
    } catch (e) { return null; }
  }

  /* --- steps -------------------------------------------------------------------------- */
  function show(index, focus) {
    var f = theForm();
    if (!f) { return; }
    var all = stepsOf(f);
    if (!all.length) { return; }
    current = Math.max(0, Math.min(index, all.length - 1));
    var paged = PHONE.matches;
    f.classList.toggle("paged", paged);
    all.forEach(function (s, n) { s.classList.toggle("current", n === current); });
    var key = all[current].id.replace(/^step-/, "");
    f.querySelectorAll(".step-index .step-link").forEach(function (a) {
      if (paged && a.getAttribute("data-step") === key) { a.setAttribute("aria-current", "step"); }
      else { a.removeAttribute("aria-current"); }
    });
    var title = all[current].querySelector(".step-title");
    var text = document.getElementById("form-progress");
    if (text) {
      var words = title ? title.textContent.replace(/\s+/g, " ").trim() : "";
      text.textContent = "Step " + (current + 1) + " of " + all.length;
      text.setAttribute("title", words);
    }
    var fill = f.querySelector(".step-progress-fill");
    if (fill) { fill.style.width = Math.round(100 * (current + 1) / all.length) + "%"; }
    var back = document.getElementById("form-back");
    var next = document.getElementById("form-next");
    if (back) { back.disabled = paged && current === 0; }
    if (next) { next.disabled = paged && current === all.length - 1; }
    if (focus && paged) {
      window.scrollTo(0, 0);
      if (title) { title.focus({preventScroll: true}); }
    }
  }

  function stepOf(el) {
    var f = theForm();
    var s = el && el.closest(".form-step");
    return f && s ? stepsOf(f).indexOf(s) : -1;
  }

  function goTo(key) {
    var f = theForm();
    var target = f && document.getElementById("step-" + key);
    if (!target) { return; }
    if (PHONE.matches) {
      show(stepsOf(f).indexOf(target), true);
    } else {
      target.scrollIntoView({block: "start"});
      var title = target.querySelector(".step-title");
      if (title) { title.focus({preventScroll: true}); }
    }
  }

  function toField(domId) {
    var el = document.getElementById(domId);
    if (!el) { return; }
    var n = stepOf(el);
    if (n >= 0 && PHONE.matches) { show(n, false); }
    var input = el.matches("input, select, textarea") ? el : el.querySelector("input, select, textarea");
    (input || el).scrollIntoView({block: "center"});
    (input || el).focus({preventScroll: true});
  }

  document.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target : e.target.parentElement;
    if (!t || !theForm()) { return; }
    var link = t.closest(".step-link");
    if (link) { e.preventDefault(); goTo(link.getAttribute("data-step")); return; }
    var err = t.closest(".error-link");
    if (err) { e.preventDefault(); toField(err.getAttribute("data-target")); return; }
    if (t.closest("#form-next")) { show(current + 1, true); return; }
    if (t.closest("#form-back")) { show(current - 1, true); return; }
    if (t.closest(".device-discard")) {
      var f = theForm();
      try { window.localStorage.removeItem(storageKey(f)); } catch (x) { /* none kept */ }
      window.location.reload();
    }
  });

  /* --- the draft on this device ------------------------------------------------------- */
  function storageKey(f) {
    return PREFIX + (f.getAttribute("data-user") || "") + ":" + (f.getAttribute("data-draft-key") || "new");
  }

  function collect(f) {
    var values = {};
    var any = false;
    f.querySelectorAll("[id^='{']").forEach(function (el) {
      var path = fieldPath(el);
      if (!path || el.disabled) { return; }
      if (el.matches("input, select, textarea")) {
        values[path] = el.value;
        if (el.value && path !== "date") { any = true; }
      } else {
        var boxes = el.querySelectorAll("input[type=checkbox]");
        if (boxes.length) {
          values[path] = Array.prototype.filter.call(boxes, function (b) { return b.checked; })
            .map(function (b) { return b.value; });
          if (values[path].length) { any = true; }
        }
      }
    });
    return any ? values : null;
  }

  function keep() {
    var f = theForm();
    if (!f) { return; }
    var values = collect(f);
    try {
      if (values) {
        window.localStorage.setItem(storageKey(f), JSON.stringify({saved: Date.now(), values: values}));
      } else {
        window.localStorage.removeItem(storageKey(f));
      }
    } catch (e) { /* storage full or refused: the server draft is still there */ }
  }

  function onTyping(e) {
    var f = theForm();
    if (!f || !f.contains(e.target) || !e.isTrusted) { return; }
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(keep, WAIT_MS);
  }
  document.addEventListener("input", onTyping, true);
  document.addEventListener("change", onTyping, true);

  function setValue(el, value) {
    var proto = el.tagName === "SELECT" ? HTMLSelectElement.prototype
      : el.tagName === "TEXTAREA" ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, "value").set.call(el, value);
    el.dispatchEvent(new Event(el.tagName === "SELECT" ? "change" : "input", {bubbles: true}));
  }

  var ROWS = {"issues": "form-add-issue", "responsibility.named": "form-add-named",
              "referrals": "form-add-referral"};

  function restore(f, values, tries) {
    var missing = {};
    Object.keys(values).forEach(function (path) {
      var el = document.getElementById(JSON.stringify({field: path, type: "form-field"}));
      if (!el) {
        Object.keys(ROWS).forEach(function (g) {
          var m = path.indexOf(g + ".") === 0 && path.slice(g.length + 1).match(/^(\d+)\./);
          if (m) { missing[g] = Math.max(missing[g] || 0, parseInt(m[1], 10) + 1); }
        });
        return;
      }
      if (el.disabled) { return; }
      var value = values[path];
      if (Array.isArray(value)) {
        el.querySelectorAll("input[type=checkbox]").forEach(function (b) {
          if (b.checked !== (value.indexOf(b.value) >= 0)) { b.click(); }
        });
      } else if (typeof value === "string" && el.value !== value) {
        setValue(el, value);
      }
    });
    var groups = Object.keys(missing);
    if (groups.length && tries < 10) {
      groups.forEach(function (g) {
        var have = document.getElementById(g === "issues" ? "form-issues"
          : g === "referrals" ? "form-referrals" : "form-named").children.length;
        var button = document.getElementById(ROWS[g]);
        for (var i = have; i < missing[g] && button; i++) { button.click(); }
      });
      setTimeout(function () { restore(f, values, tries + 1); }, 500);
    }
  }

  function forgetOld(f) {
    // Another user's drafts on this device are forgotten too: a shared laptop hands none on.
    var mine = PREFIX + (f ? (f.getAttribute("data-user") || "") : "") + ":";
    try {
      var gone = [];
      for (var i = 0; i < window.localStorage.length; i++) {
        var k = window.localStorage.key(i);
        if (!k || k.indexOf(PREFIX) !== 0) { continue; }
        if (f && k.indexOf(mine) !== 0) { gone.push(k); continue; }
        var kept = null;
        try { kept = JSON.parse(window.localStorage.getItem(k)); } catch (e) { kept = null; }
        if (!kept || !(Date.now() - (kept.saved || 0) < MAX_AGE_MS)) { gone.push(k); }
      }
      gone.forEach(function (k) { window.localStorage.removeItem(k); });
    } catch (e) { /* nothing kept */ }
  }

  function offerRestore(f) {
    forgetOld(f);
    var kept = null;
    try { kept = JSON.parse(window.localStorage.getItem(storageKey(f)) || "null"); } catch (e) { kept = null; }
    if (!kept || !kept.values) { return; }
    restore(f, kept.values, 0);
    var note = document.getElementById("form-device-note");
    if (note && !note.querySelector(".device-restored")) {
      var when = new Date(kept.saved || Date.now());
      var box = document.createElement("div");
      box.className = "alert alert-info py-2 device-restored";
      box.setAttribute("role", "status");
      box.appendChild(document.createTextNode(
        "Restored what you typed on this device (kept " + when.toLocaleString() + "). "));
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "btn btn-link btn-sm p-0 device-discard";
      discard.textContent = "Discard it and start empty";
      box.appendChild(discard);
      note.appendChild(box);
    }
  }

  function forgetAll() {
    try {
      var gone = [];
      for (var i = 0; i < window.localStorage.length; i++) {
        var k = window.localStorage.key(i);
        if (k && k.indexOf(PREFIX) === 0) { gone.push(k); }
      }
      gone.forEach(function (k) { window.localStorage.removeItem(k); });
    } catch (e) { /* nothing kept */ }
  }

  // Signing out forgets every draft kept on this device: a shared laptop hands none on.
  document.addEventListener("submit", function (e) {
    var action = e.target && e.target.getAttribute && (e.target.getAttribute("action") || "");
    if (/\/logout$/.test(action)) { forgetAll(); }
  }, true);

  /* --- the page appearing, and the answers of a save ---------------------------------- */
  function watch() {
    var f = theForm();
    if (!f) { return; }
    if (!f.hasAttribute("data-ready") && f.querySelector(".form-bar")) {
      f.setAttribute("data-ready", "1");
      // The inputs' own `required`, said to assistive technology in so many words too.
      f.querySelectorAll("[required]").forEach(function (el) { el.setAttribute("aria-required", "true"); });
      current = 0;
      show(0, false);
      offerRestore(f);
      spy(f);
    }
    var summary = f.querySelector("#form-status .error-summary:not([data-seen])");
    if (summary) {
      summary.setAttribute("data-seen", "1");
      // The top of the page: the summary sits under the page's head, below the nav bar.
      window.scrollTo(0, 0);
      document.getElementById("form-status").focus({preventScroll: true});
    }
    var ok = f.querySelector("#form-status .save-ok:not([data-seen])");
    if (ok) {
      ok.setAttribute("data-seen", "1");
      if (timer) { clearTimeout(timer); timer = null; }
      try { window.localStorage.removeItem(storageKey(f)); } catch (e) { /* none kept */ }
      var restored = f.querySelector(".device-restored");
      if (restored) { restored.remove(); }
      show(0, false);
      window.scrollTo(0, 0);
    }
  }

  // On a desk, the index marks the step being read.
  function spy(f) {
    if (!("IntersectionObserver" in window)) { return; }
    var seen = new IntersectionObserver(function (entries) {
      if (PHONE.matches) { return; }
      entries.forEach(function (e) {
        if (!e.isIntersecting) { return; }
        var key = e.target.id.replace(/^step-/, "");
        f.querySelectorAll(".step-index .step-link").forEach(function (a) {
          if (a.getAttribute("data-step") === key) { a.setAttribute("aria-current", "location"); }
          else { a.removeAttribute("aria-current"); }
        });
      });
    }, {rootMargin: "-20% 0px -70% 0px"});
    stepsOf(f).forEach(function (s) { seen.observe(s); });
  }

  new MutationObserver(watch).observe(document.documentElement, {childList: true, subtree: true});
  PHONE.addEventListener("change", function () { show(current, false); });
})();
