/* The Razorpay sandbox's result page (development only): hand the signed result to the page that
 * opened the checkout, or post it to the callback URL when there is no such page. */
(function () {
  "use strict";
  var script = document.getElementById("sandbox-result-script");
  var result = JSON.parse(document.getElementById("sandbox-result").textContent);
  var message = { source: "tnt-razorpay-sandbox", succeeded: script.dataset.succeeded === "true", result: result };
  if (window.opener && !window.opener.closed) {
    window.opener.postMessage(message, window.location.origin);
    window.close();
  } else if (document.getElementById("callback")) {
    document.getElementById("callback").submit();
  }
})();
