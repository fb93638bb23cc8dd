// A questionnaire's conditional questions: shown as soon as the choice that calls for them is
// made, hidden again when it is undone. Without this script the server asks them on the
// form's next step; the server also drops any answer to a question whose condition is not met.
(function () {
  "use strict";
  var form = document.querySelector("form .question") && document.querySelector("form .question").closest("form");
  if (!form) { return; }
  var questions = Array.prototype.slice.call(form.querySelectorAll(".question[data-key]"));
  var asked = form.querySelector("input[name='asked']");

  function chosen(key) {
    var wrapper = form.querySelector(".question[data-key='" + key + "']");
    if (!wrapper || wrapper.hidden) { return []; }
    var inputs = wrapper.querySelectorAll("input[name='q_" + key + "']:checked");
    return Array.prototype.map.call(inputs, function (input) { return input.value; });
  }

  function update() {
    // in order: a question can depend on one that itself depends on another
    questions.forEach(function (wrapper) {
      var on = wrapper.getAttribute("data-show-if");
      if (!on) { return; }
      var wanted = wrapper.getAttribute("data-show-if-codes").split(" ");
      var show = chosen(on).some(function (value) { return wanted.indexOf(value) !== -1; });
      wrapper.hidden = !show;
    });
    if (asked) {
      asked.value = questions.filter(function (w) { return !w.hidden; })
        .map(function (w) { return w.getAttribute("data-key"); }).join(" ");
    }
  }

  form.addEventListener("change", update);
  update();
})();
