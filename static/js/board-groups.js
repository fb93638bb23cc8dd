// The facilitator's groups page: drag a note onto another group to move it.
// It only fills in and sends the note's own 「移す」 form (the select and its CSRF token), so
// the server does exactly what the button does; without JavaScript, or from the keyboard,
// the select and the button stay.
(function () {
  "use strict";
  var page = document.querySelector("[data-board-groups]");
  if (!page || !("draggable" in document.createElement("li"))) {
    return;
  }
  var dragged = null;

  function groupOf(element) {
    return element.closest("[data-group-id]");
  }

  function moveFormOf(note) {
    return note.querySelector("form[data-move-note]");
  }

  function canTake(box) {
    if (!dragged || !box || box === groupOf(dragged)) {
      return false;
    }
    var select = moveFormOf(dragged).querySelector("select");
    return !!select.querySelector('option[value="' + box.dataset.groupId + '"]');
  }

  page.querySelectorAll("li[data-note-id]").forEach(function (note) {
    if (!moveFormOf(note)) {
      return;
    }
    note.draggable = true;
    note.classList.add("draggable-note");
    note.addEventListener("dragstart", function (event) {
      dragged = note;
      note.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", note.dataset.noteId);
    });
    note.addEventListener("dragend", function () {
      note.classList.remove("dragging");
      page.querySelectorAll(".drop-target").forEach(function (box) {
        box.classList.remove("drop-target");
      });
      dragged = null;
    });
  });

  page.querySelectorAll("[data-group-id]").forEach(function (box) {
    box.addEventListener("dragover", function (event) {
      if (canTake(box)) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        box.classList.add("drop-target");
      }
    });
    box.addEventListener("dragleave", function (event) {
      if (!box.contains(event.relatedTarget)) {
        box.classList.remove("drop-target");
      }
    });
    box.addEventListener("drop", function (event) {
      if (!canTake(box)) {
        return;
      }
      event.preventDefault();
      var form = moveFormOf(dragged);
      form.querySelector("select").value = box.dataset.groupId;
      form.requestSubmit();
    });
  });

  var hint = document.getElementById("drag-hint");
  if (hint) {
    hint.hidden = false;
  }
})();
