// An invalid name or KK query answers 400 with the message to show: swap it into the
// target instead of dropping it (htmx ignores 4xx answers by default).
document.addEventListener("htmx:beforeSwap", function (event) {
  var target = event.detail.target;
  if (event.detail.xhr.status === 400 && target && target.hasAttribute("data-swap-400")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
