/* The voting page without reloads: a vote (or skip) goes by fetch and the next proposal is swapped in.
   Without this script the very same forms post and redirect. Keys 1-4 vote and S skips on every
   voting page, unless the cursor is in a text field. */
(function () {
  "use strict";

  var KEYS = /^[1-4s]$/;
  var TEXT_FIELDS = "input, textarea, select, [contenteditable]:not([contenteditable='false'])";
  var busy = false;
  var lastClicked = null;

  function byId(id) {
    return document.getElementById(id);
  }

  function announce(message) {
    var status = byId("vote-status");
    if (!status) return;
    status.textContent = "";
    // A new text node a moment later, so the same message twice is still read out.
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function showError(message) {
    var box = byId("vote-error");
    if (!box) return;
    box.textContent = message;
    box.hidden = false;
  }

  function clearError() {
    var box = byId("vote-error");
    if (box) { box.textContent = ""; box.hidden = true; }
  }

  function setBusy(form, value) {
    busy = value;
    var region = byId("vote-region");
    if (region) region.setAttribute("aria-busy", value ? "true" : "false");
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (button) {
      button.disabled = value;
    });
  }

  function errorMessage(status, body) {
    if (body && body.message) return body.message;
    if (status === 429) return "You are voting faster than we allow. Wait a minute, then go on.";
    if (status === 400) return "Your vote was not saved. Reload the page and try again.";
    return "Your vote may not have been saved. Reload the page to check.";
  }

  function updateProgress(progress) {
    var text = byId("vote-progress");
    var bar = byId("vote-progress-bar");
    if (text && progress.text) text.textContent = progress.text;
    if (bar) {
      bar.max = Math.max(progress.total, 1);
      bar.value = progress.voted;
    }
  }

  function swap(body) {
    var region = byId("vote-region");
    region.innerHTML = body.next.html;
    updateProgress(body.progress);
    var next = body.next.done ? " You are done." : " Next: " + body.next.title;
    announce(body.message + next);
    var heading = byId("proposal-title");
    if (heading) heading.focus();
  }

  function send(form, button) {
    var data = new FormData(form);
    data.append(button.name, button.value);
    clearError();
    setBusy(form, true);
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"Accept": "application/json", "X-Requested-With": "fetch"}
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        if (response.ok && body && body.ok) {
          busy = false;
          swap(body);
          return;
        }
        setBusy(form, false);
        // A sign-in page instead of JSON: the session ended.
        var message = response.ok ? "Your session has ended. Reload the page and sign in again."
          : errorMessage(response.status, body);
        showError(message);
        announce(message);
      });
    }).catch(function () {
      setBusy(form, false);
      showError("The vote could not be sent. Check your connection, then try again.");
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[name=choice]") : null;
    if (button) lastClicked = button;
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-vote-form]") || !window.fetch || !window.FormData) return;
    var button = event.submitter || lastClicked;
    if (!button || button.name !== "choice" || button.form !== form) return;
    event.preventDefault();
    if (!busy) send(form, button);
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    var key = (event.key || "").toLowerCase();
    if (!KEYS.test(key)) return;
    if (event.target.closest && event.target.closest(TEXT_FIELDS)) return;
    var form = document.querySelector("form.vote-form");
    var button = form && form.querySelector("button[data-key='" + key + "']");
    if (!button || button.disabled) return;
    event.preventDefault();
    button.click();
  });
}());
