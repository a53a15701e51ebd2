// Idle-timeout warning (quality.md T9.6, WCAG 2.2.1): a modal alert dialog shortly before the idle sign-out,
// with "Stay signed in". The page never polls: one timer, one status question when the warning is due
// (another tab may have been used), sent with a header that tells the server it is not activity.
// Long forms that opt in (data-draft-url) have their typing kept on the server (never in browser storage).
(function () {
  "use strict";
  var dialog = document.getElementById("idle-warning");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var NEUTRAL = { "X-Waypoint-Idle-Neutral": "1", "Accept": "application/json" };
  var warnBefore = Number(dialog.dataset.warnBefore) * 1000;
  var idleTimeout = Number(dialog.dataset.idleTimeout) * 1000;
  // Loading this page was activity, which the server writes down at most once a minute: at least
  // (timeout - 1 minute) is left. The exact figure is asked for when the warning is due.
  var deadline = Date.now() + Math.max(0, idleTimeout - 60000);
  var stayForm = dialog.querySelector("[data-idle-stay-form]");
  var csrf = stayForm.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timers = [];
  var returnFocus = null;
  var ended = false;

  function later(fn, ms) { timers.push(window.setTimeout(fn, Math.max(0, ms))); }
  function clearTimers() { timers.forEach(window.clearTimeout); timers = []; }
  function json(response) {
    if (response.redirected || !response.ok) { throw new Error("signed out"); }
    return response.json();
  }

  function schedule() {
    clearTimers();
    later(warningDue, deadline - warnBefore - Date.now());
  }

  function warningDue() {
    fetch(dialog.dataset.statusUrl, { headers: NEUTRAL, credentials: "same-origin" })
      .then(json)
      .then(function (data) {
        deadline = Date.now() + data.seconds_left * 1000;
        if (deadline - Date.now() > warnBefore + 1000) { schedule(); } else { show(); }
      })
      .catch(function () { deadline = Math.min(deadline, Date.now()); end(); });
  }

  function show() {
    saveDrafts();
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
    }
    stayForm.querySelector("button").focus();
    later(saveDrafts, deadline - Date.now() - 10000);
    later(end, deadline - Date.now());
  }

  function close() {
    dialog.close();
    var target = returnFocus && document.contains(returnFocus) ? returnFocus : document.getElementById("main");
    if (target) { target.focus(); }
    returnFocus = null;
  }

  function stay(event) {
    if (event) { event.preventDefault(); }
    if (ended) { return; }
    fetch(stayForm.action, {
      method: "POST", credentials: "same-origin", body: new FormData(stayForm),
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    })
      .then(json)
      .then(function (data) {
        deadline = Date.now() + data.seconds_left * 1000;
        discardDrafts();
        close();
        schedule();
      })
      .catch(end);
  }

  function end() {
    clearTimers();
    ended = true;
    if (!dialog.open) { returnFocus = document.activeElement; dialog.showModal(); }
    document.getElementById("idle-warning-text").hidden = true;
    stayForm.hidden = true;
    var note = dialog.querySelector("[data-idle-ended]");
    note.hidden = false;
    dialog.setAttribute("aria-describedby", note.id);
    var signIn = note.querySelector("[data-idle-sign-in]");
    // Back to this page after signing in (added here, not in the HTML, so a page's body never holds its own URL).
    signIn.href = signIn.getAttribute("href") + "?next=" + encodeURIComponent(window.location.pathname + window.location.search);
    signIn.focus();
  }

  stayForm.addEventListener("submit", stay);
  dialog.addEventListener("cancel", function (event) {
    // Escape means "I am here": the same as Stay signed in.
    event.preventDefault();
    stay();
  });
  // A request made by htmx counts as activity on the server (written at most once a minute).
  document.addEventListener("htmx:afterRequest", function () {
    if (dialog.open || ended) { return; }
    deadline = Math.max(deadline, Date.now() + idleTimeout - 60000);
    schedule();
  });

  // --- Drafts ------------------------------------------------------------------------------------
  function draftFields(form) {
    return (form.dataset.draftFields || "").split(/\s+/).filter(Boolean);
  }

  function changed(form) {
    return draftFields(form).some(function (name) {
      var field = form.elements[name];
      if (!field || field.type === "hidden") { return false; }
      if (field.options) {
        return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      if (typeof field.length === "number" && !field.tagName) {  // radio buttons
        return Array.prototype.some.call(field, function (r) { return r.checked !== r.defaultChecked; });
      }
      return field.value !== field.defaultValue;
    });
  }

  function post(form, action, extra) {
    var body = new FormData();
    body.append("action", action);
    (extra || []).forEach(function (name) {
      var field = form.elements[name];
      if (field) { body.append(name, field.value); }
    });
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var headers = Object.assign({ "X-CSRFToken": token ? token.value : csrf }, NEUTRAL);
    return fetch(form.dataset.draftUrl, { method: "POST", credentials: "same-origin", headers: headers, body: body });
  }

  function saveDrafts() {
    document.querySelectorAll("form[data-draft-url]").forEach(function (form) {
      if (!changed(form)) { return; }
      form.dataset.draftSaved = "1";
      post(form, "save", draftFields(form)).then(json).catch(function () { return null; });
    });
  }

  function discardDrafts() {
    document.querySelectorAll("form[data-draft-url][data-draft-saved]").forEach(function (form) {
      delete form.dataset.draftSaved;
      post(form, "discard").then(json).catch(function () { return null; });
    });
  }

  function restoreDrafts(root) {
    root.querySelectorAll("form[data-draft-url]:not([data-draft-checked])").forEach(function (form) {
      form.dataset.draftChecked = "1";
      post(form, "take").then(json).then(function (data) {
        var names = Object.keys(data.fields || {});
        if (!names.length) { return; }
        names.forEach(function (name) {
          var field = form.elements[name];
          if (field) { field.value = data.fields[name]; }
        });
        var note = document.createElement("p");
        note.className = "alert alert-info";
        note.setAttribute("role", "status");
        note.textContent = dialog.dataset.restoredText;
        form.insertBefore(note, form.firstChild);
      }).catch(function () { return null; });
    });
  }

  restoreDrafts(document);
  document.addEventListener("htmx:afterSwap", function () { restoreDrafts(document); });
  schedule();
}());
