"use strict";
(function () {
  var filter = document.getElementById("filter");
  var rows = document.querySelectorAll("#matrix tbody tr");
  filter.hidden = false;
  filter.addEventListener("change", function (event) {
    var show = event.target.value;
    rows.forEach(function (row) {
      row.hidden = show !== "all" && row.dataset.outcome !== show;
    });
  });
  document.querySelectorAll("pre.reproduction").forEach(function (pre) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "Copy";
    button.addEventListener("click", function () {
      var range = document.createRange();
      range.selectNodeContents(pre);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      if (navigator.clipboard) {
        navigator.clipboard.writeText(pre.textContent).then(function () {
          button.textContent = "Copied";
        });
      }
    });
    pre.previousElementSibling.appendChild(button);
  });
})();
