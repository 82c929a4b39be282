// Drag and drop for the selection lists, on top of the "Up"/"Down" buttons (which work without it):
// dropping a row posts the same move form with the row's new 0-based position, then reloads the page.
(function () {
  "use strict";
  var token = document.querySelector('input[name="csrf_token"]');
  if (!token || !window.fetch || !window.FormData) { return; }

  function rows(list) {
    return Array.prototype.filter.call(list.children, function (el) { return el.dataset.moveUrl; });
  }

  function post(url, position) {
    var data = new FormData();
    data.append("csrf_token", token.value);
    data.append("position", String(position));
    return fetch(url, { method: "POST", body: data, credentials: "same-origin" });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-sortable]"), function (list) {
    var dragged = null;
    rows(list).forEach(function (row) {
      row.draggable = true;
      row.classList.add("draggable");
      row.addEventListener("dragstart", function (event) {
        dragged = row;
        row.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", row.dataset.title || "");
      });
      row.addEventListener("dragend", function () { row.classList.remove("dragging"); });
      row.addEventListener("dragover", function (event) {
        if (!dragged || dragged === row) { return; }
        event.preventDefault();
        var box = row.getBoundingClientRect();
        var after = event.clientY > box.top + box.height / 2;
        list.insertBefore(dragged, after ? row.nextSibling : row);
      });
    });
    list.addEventListener("drop", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      var position = rows(list).indexOf(dragged);
      var url = dragged.dataset.moveUrl;
      dragged = null;
      post(url, position).then(function () { window.location.reload(); },
                               function () { window.location.reload(); });
    });
  });
}());
