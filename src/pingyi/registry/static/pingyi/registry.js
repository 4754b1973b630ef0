// The clean-up page: "tick all" ticks every project the bulk decision may take.
(function () {
  var all = document.getElementById("tick-all");
  if (!all) { return; }
  all.addEventListener("change", function () {
    document.querySelectorAll('#projects input[name="projects"]').forEach(function (box) {
      box.checked = all.checked;
    });
  });
})();
