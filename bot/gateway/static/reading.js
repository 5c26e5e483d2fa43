/* Cap Numérique: the chat page's reading aids, loaded before chat.js. Vanilla JS, no build
 * step, no third-party code. The text size (remembered), « Écouter » on each message (the
 * browser's own speech synthesis reads it in French: nothing leaves the device; pressed
 * again, it stops), « Lire chaque réponse à voix haute » (remembered), the live region for
 * screen readers, and the small helpers chat.js shares: localStorage that may be missing
 * (private browsing) and elements built with textContent, never as HTML. */
(function () {
  "use strict";

  var AUTOREAD_KEY = "capnum.autoread";
  var TEXT_SIZE_KEY = "capnum.textSize";
  // Text sizes, in % of the browser's own size (every length of chat.css is in rem).
  var TEXT_SIZES = [100, 115, 130, 150, 175, 200];

  var announcer = document.getElementById("announce");

  // -- storage (may be unavailable: private browsing) ------------------------------------
  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* nothing kept */ }
  }
  function forget(key) {
    try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ }
  }

  // Short news for screen readers (a polite live region of its own).
  function announce(text) {
    if (!announcer) { return; }
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 30);
  }

  // -- elements (text always as textContent) ----------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function hidden(text) { return el("span", "visually-hidden", text); }

  // -- text size -------------------------------------------------------------------------
  var smaller = document.getElementById("text-smaller");
  var larger = document.getElementById("text-larger");

  function sizeIndex() {
    var i = TEXT_SIZES.indexOf(parseInt(load(TEXT_SIZE_KEY) || "100", 10));
    return i < 0 ? 0 : i;
  }

  function applyTextSize(index, spoken) {
    index = Math.max(0, Math.min(TEXT_SIZES.length - 1, index));
    var percent = TEXT_SIZES[index];
    document.documentElement.setAttribute("data-text-size", String(percent));
    save(TEXT_SIZE_KEY, String(percent));
    if (smaller) { smaller.disabled = index === 0; }
    if (larger) { larger.disabled = index === TEXT_SIZES.length - 1; }
    if (spoken) { announce("Taille du texte : " + percent + " %."); }
  }

  if (smaller && larger) {
    smaller.addEventListener("click", function () { applyTextSize(sizeIndex() - 1, true); });
    larger.addEventListener("click", function () { applyTextSize(sizeIndex() + 1, true); });
  }
  applyTextSize(sizeIndex(), false);

  // -- listening (the browser's speech synthesis; nothing leaves the device) ----------------
  var synth = ("speechSynthesis" in window && typeof window.SpeechSynthesisUtterance === "function")
    ? window.speechSynthesis : null;
  var autoread = document.getElementById("autoread");
  var reading = null;  // { buttons: [...], left: utterances not finished }

  function frenchVoice() {
    var voices = [];
    try { voices = synth.getVoices() || []; } catch (e) { voices = []; }
    var best = null;
    for (var i = 0; i < voices.length; i++) {
      var lang = String(voices[i].lang || "").toLowerCase().replace("_", "-");
      if (lang === "fr-fr") { return voices[i]; }
      if (!best && lang.indexOf("fr") === 0) { best = voices[i]; }
    }
    return best;
  }

  // What the ear needs: "20 h" is "20 heures", a lone "·" or "–" is not read.
  function forSpeech(text) {
    return String(text).replace(/(\d)\s?h\b/g, "$1 heures").replace(/\s[·–—]\s/g, ", ")
      .replace(/\s+/g, " ").trim();
  }

  // A text as short sentences (one utterance each: natural pauses, and no engine cut-off).
  function sentencesOf(text) {
    var parts = [];
    String(text || "").split(/\n+/).forEach(function (line) {
      line.split(/(?<=[.!?…])\s+/).forEach(function (p) {
        p = forSpeech(p);
        if (p) { parts.push(p); }
      });
    });
    return parts;
  }

  function setPressed(button, pressed) {
    button.setAttribute("aria-pressed", pressed ? "true" : "false");
    button.classList.toggle("speaking", pressed);
  }

  function stopReading(spoken) {
    var current = reading;
    reading = null;
    if (!current) { return; }
    try { synth.cancel(); } catch (e) { /* nothing to stop */ }
    current.buttons.forEach(function (b) { setPressed(b, false); });
    if (spoken) { announce("Lecture arrêtée."); }
  }

  // items: [{ button, sentences }], read one after the other.
  function read(items) {
    if (!synth) { return; }
    stopReading(false);
    var current = { buttons: [], left: 0 };
    var queue = [];
    var voice = frenchVoice();
    items.forEach(function (entry) {
      if (!entry.sentences.length) { return; }
      current.buttons.push(entry.button);
      entry.sentences.forEach(function (sentence) {
        var utterance = new window.SpeechSynthesisUtterance(sentence);
        utterance.lang = voice && voice.lang ? String(voice.lang).replace("_", "-") : "fr-FR";
        if (voice) { try { utterance.voice = voice; } catch (e) { /* the lang is enough */ } }
        utterance.rate = 0.95;
        var done = false;
        utterance.onend = utterance.onerror = function () {
          if (done) { return; }
          done = true;
          current.left -= 1;
          if (current.left <= 0 && reading === current) {
            reading = null;
            current.buttons.forEach(function (b) { setPressed(b, false); });
          }
        };
        queue.push(utterance);
      });
    });
    if (!queue.length) { return; }
    current.left = queue.length;
    reading = current;
    current.buttons.forEach(function (b) { setPressed(b, true); });
    announce("Lecture à voix haute. Appuyez encore sur « Écouter » pour arrêter.");
    queue.forEach(function (u) { synth.speak(u); });
  }

  function listenButton(sentences, name) {
    var button = el("button", "listen", null);
    button.type = "button";
    button.appendChild(el("span", "listen-icon", "")).setAttribute("aria-hidden", "true");
    button.appendChild(document.createTextNode("Écouter"));
    if (name) { button.appendChild(hidden(" : " + name)); }
    setPressed(button, false);
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-pressed") === "true") { stopReading(true); return; }
      read([{ button: button, sentences: sentences }]);
    });
    return button;
  }

  if (synth && autoread) {
    document.getElementById("autoread-setting").hidden = false;
    autoread.checked = load(AUTOREAD_KEY) === "1";
    autoread.addEventListener("change", function () {
      save(AUTOREAD_KEY, autoread.checked ? "1" : "0");
      if (!autoread.checked) { stopReading(false); }
      announce(autoread.checked ? "Chaque nouvelle réponse sera lue à voix haute."
        : "Les réponses ne seront plus lues à voix haute.");
    });
    // Some browsers load their voices late.
    try { synth.addEventListener("voiceschanged", function () { frenchVoice(); }); } catch (e) { /* old */ }
  } else {
    document.documentElement.classList.add("no-speech");
  }

  // « Lire chaque réponse à voix haute »: the new answer is read as soon as it is shown.
  function readAloudIfAsked(items) {
    if (synth && autoread && autoread.checked && items.length) { read(items); }
  }

  window.CapReading = {
    canSpeak: synth !== null,
    load: load, save: save, forget: forget, announce: announce, el: el, hidden: hidden,
    sentencesOf: sentencesOf, forSpeech: forSpeech, listenButton: listenButton, stopReading: stopReading,
    readAloudIfAsked: readAloudIfAsked
  };
})();
