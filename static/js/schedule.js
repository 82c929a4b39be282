// Drag and drop on the schedule builder's day page, on top of its forms (which work without it):
// dropping an unplaced talk on an empty slot sends the "Place a talk" form, dropping a placed talk
// on an empty slot sends the "Move a talk" form. The server checks every rule either way.
(function () {
  "use strict";

  function send(formId, values) {
    var form = document.getElementById(formId);
    if (!form) return;
    Object.keys(values).forEach(function (name) {
      var select = form.elements[name];
      if (!select) return;
      if (!Array.prototype.some.call(select.options, function (o) { return o.value === values[name]; })) {
        select.add(new Option(values[name], values[name]));  // a slot of another day, say
      }
      select.value = values[name];
    });
    form.submit();
  }

  function init() {
    document.querySelectorAll("[data-proposal-id], [data-from-slot]").forEach(function (item) {
      item.draggable = true;
      item.classList.add("draggable");
      item.addEventListener("dragstart", function (event) {
        var payload = item.dataset.proposalId ? "talk:" + item.dataset.proposalId : "slot:" + item.dataset.fromSlot;
        event.dataTransfer.setData("text/plain", payload);
        event.dataTransfer.effectAllowed = "move";
      });
    });
    document.querySelectorAll("[data-open-slot]").forEach(function (cell) {
      cell.addEventListener("dragover", function (event) {
        event.preventDefault();
        cell.classList.add("drop-here");
      });
      cell.addEventListener("dragleave", function () { cell.classList.remove("drop-here"); });
      cell.addEventListener("drop", function (event) {
        event.preventDefault();
        cell.classList.remove("drop-here");
        var parts = (event.dataTransfer.getData("text/plain") || "").split(":");
        var to = cell.dataset.openSlot;
        if (parts[0] === "talk") send("place", {"place-proposal": parts[1], "place-slot": to});
        if (parts[0] === "slot") send("move", {"move-from_slot": parts[1], "move-to_slot": to});
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
