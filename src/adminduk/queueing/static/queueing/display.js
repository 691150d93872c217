// The waiting-room display: htmx refreshes the board every 2 s (hx-trigger in the page). When
// the number being called changes (or is recalled), play the chime and say it in the page's
// language with the browser's speech synthesis. Browsers allow sound only after a click, hence
// the "sound on" button.
(function () {
  "use strict";
  let lastKey = null;
  let soundOn = false;
  const body = document.body;
  const chime = new Audio(body.dataset.chime);

  function currentCall() {
    const number = document.getElementById("tv-number");
    return number ? { key: number.dataset.key, label: number.dataset.label, counter: number.dataset.counter } : null;
  }

  function spell(label) {
    // "A012" is read as "A, 0, 1, 2"; a slower, clearer rhythm for a noisy room.
    return label.split("").join(" ");
  }

  function announce(call) {
    body.classList.remove("tv-flash");
    void body.offsetWidth;
    body.classList.add("tv-flash");
    body.dataset.announced = call.key;
    if (!soundOn) return;
    chime.currentTime = 0;
    const spoken = chime.play();
    const say = () => {
      if (!("speechSynthesis" in window)) return;
      const text = `${body.dataset.sayNumber} ${spell(call.label)}, ${body.dataset.sayCounter} ${call.counter}`;
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = body.dataset.lang === "en" ? "en-US" : "id-ID";
      utterance.rate = 0.85;
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(utterance);
    };
    if (spoken && spoken.then) spoken.then(() => setTimeout(say, 1100)).catch(say);
    else setTimeout(say, 1100);
  }

  function check() {
    const call = currentCall();
    if (!call) return;
    if (lastKey !== null && call.key !== lastKey) announce(call);
    lastKey = call.key;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const call = currentCall();
    lastKey = call ? call.key : "";
    const button = document.getElementById("sound-on");
    if (button) {
      button.addEventListener("click", () => {
        soundOn = true;
        button.hidden = true;
        chime.play().catch(() => {});
      });
    }
  });
  document.body.addEventListener("htmx:afterSwap", check);
})();
