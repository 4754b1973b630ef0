// The evaluator's page. The QR code opens /v/#CODE: the code stays in the fragment, which the
// browser never sends; this script moves it into the POSTed form and wipes it from the address.
(function () {
  "use strict";
  var form = document.getElementById("code-form");
  if (form && window.location.hash.length > 1) {
    var code = decodeURIComponent(window.location.hash.slice(1));
    history.replaceState(null, "", window.location.pathname);
    document.getElementById("code").value = code;
    form.submit();
  }
  // The review is the page Back meets after the cast (which redirects to /v/done). Its history
  // entry keeps no form data, so Back asks the server (GET /v/review → the code page) instead of
  // Chrome's "confirm form resubmission" for a ballot already cast.
  if (document.getElementById("review-form") && history.replaceState) {
    history.replaceState(null, "", window.location.pathname);
  }
  var ballot = document.getElementById("ballot");
  var left = document.getElementById("left");
  if (ballot && left) {
    var units = ballot.querySelectorAll("fieldset.unit");
    var update = function () {
      var blank = 0;
      units.forEach(function (unit) {
        if (!unit.querySelector("input:checked")) { blank += 1; }
      });
      left.textContent = left.getAttribute("data-text").replace("%(n)s", String(blank));
    };
    ballot.addEventListener("change", update);
    update();
  }
})();
