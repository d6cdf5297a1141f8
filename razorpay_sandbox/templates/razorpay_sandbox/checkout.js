/* Tap N Take development sandbox: a stand-in for https://checkout.razorpay.com/v1/checkout.js.
   Same surface for our pages: new Razorpay({key, order_id, handler, ...}).on("payment.failed", fn).open() */
(function () {
  "use strict";
  var CHECKOUT = "{{ checkout_base|escapejs }}";
  function Razorpay(options) {
    this.options = options || {};
    this.listeners = {};
  }
  Razorpay.prototype.on = function (event, callback) {
    (this.listeners[event] = this.listeners[event] || []).push(callback);
    return this;
  };
  Razorpay.prototype.open = function () {
    var self = this;
    var url = CHECKOUT.replace("ORDER_ID", encodeURIComponent(self.options.order_id));
    if (self.options.callback_url) { url += "?callback_url=" + encodeURIComponent(self.options.callback_url); }
    var popup = window.open(url, "razorpay-sandbox", "width=480,height=640");
    if (!popup) { window.location.href = url; return; }
    function onMessage(event) {
      if (event.origin !== window.location.origin || !event.data || event.data.source !== "tnt-razorpay-sandbox") { return; }
      window.removeEventListener("message", onMessage);
      if (event.data.succeeded) {
        if (typeof self.options.handler === "function") { self.options.handler(event.data.result); }
      } else {
        (self.listeners["payment.failed"] || []).forEach(function (callback) { callback(event.data.result); });
      }
    }
    window.addEventListener("message", onMessage);
  };
  window.Razorpay = Razorpay;
})();
