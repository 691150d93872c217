// The queue slip: print on demand (no inline handlers under the CSP).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print-slip");
  if (button) button.addEventListener("click", () => window.print());
});
