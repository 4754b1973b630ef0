// The collection dashboard of an open campaign: every few seconds the page is fetched again and
// only its counts are swapped in, so the figures move without a reload and a form being filled
// in below keeps what was typed.
(function () {
  "use strict";
  var box = document.getElementById("collection-box");
  if (!box) { return; }
  var seconds = parseInt(box.getAttribute("data-refresh"), 10);
  if (!seconds) { return; }
  var refresh = function () {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("collection-box");
          if (fresh) { box.innerHTML = fresh.innerHTML; }
        }
        window.setTimeout(refresh, seconds * 1000);
      })
      .catch(function () { window.setTimeout(refresh, seconds * 1000); });
  };
  window.setTimeout(refresh, seconds * 1000);
})();
