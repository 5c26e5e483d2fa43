/* Cap Numérique: the chat page. Vanilla JS, no build step, no third-party code.
 * Every text from the user, the bot or the catalogue is inserted with textContent /
 * createElement, never as HTML. The rendered messages are kept in this browser's
 * localStorage, so a reload shows them again; the conversation itself is identified by an
 * HttpOnly cookie the gateway issues (the page never sends an identifier). "Nouvelle
 * conversation" and an erasure ("supprimer mes données") forget the history on this device.
 * Every bot message has an « Écouter » button and the text size can be changed: reading.js,
 * loaded first, holds those reading aids. */
(function () {
  "use strict";

  // The reading aids and the shared helpers (reading.js, loaded first).
  var aids = window.CapReading;
  var load = aids.load, save = aids.save, forget = aids.forget, announce = aids.announce;
  var el = aids.el, hidden = aids.hidden, sentencesOf = aids.sentencesOf, forSpeech = aids.forSpeech;
  var listenButton = aids.listenButton;
  var stopReading = aids.stopReading, readAloudIfAsked = aids.readAloudIfAsked, canSpeak = aids.canSpeak;

  var SENDER_KEY = "capnum.sender";
  var HISTORY_KEY = "capnum.history";
  var MAX_HISTORY = 300;
  var MAX_CHARS = 2000;

  var list = document.getElementById("messages");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var typing = document.getElementById("typing");
  var restart = document.getElementById("restart");
  var busy = false;

  var MODES = {
    distance: "100 % à distance",
    hybride: "À distance, avec un peu de présence sur place",
    presentiel: "Sur place"
  };
  var SLOTS = { journee: "en journée", soir_weekend: "le soir ou le week-end" };
  var EQUIPMENT = { ordinateur: "Un ordinateur avec internet", smartphone: "Un téléphone suffit",
                    aucun: "Rien à prévoir" };
  var MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                "septembre", "octobre", "novembre", "décembre"];


  // The conversation is the gateway's HttpOnly cookie: this page never holds an identifier.
  // (Older versions of the page kept one here: forget it.)
  forget(SENDER_KEY);

  function readHistory() {
    try {
      var items = JSON.parse(load(HISTORY_KEY) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (e) { return []; }
  }
  var history = readHistory();

  function remember(entry) {
    history.push(entry);
    if (history.length > MAX_HISTORY) { history = history.slice(-MAX_HISTORY); }
    save(HISTORY_KEY, JSON.stringify(history));
  }




  // -- rendering -------------------------------------------------------------------------
  function item(who) {
    var li = el("li", "msg " + who);
    li.appendChild(hidden(who === "user" ? "Vous : " : "Cap Numérique : "));
    return li;
  }

  function append(node) {
    list.appendChild(node);
    node.scrollIntoView({ block: "end", behavior: "auto" });
  }

  function removeChips() {
    var groups = list.querySelectorAll(".chips");
    for (var i = 0; i < groups.length; i++) { groups[i].parentNode.removeChild(groups[i]); }
  }

  function renderUser(text) {
    var li = item("user");
    li.appendChild(el("p", "bubble", text));
    append(li);
  }

  function frenchDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(iso || ""));
    if (!m) { return null; }
    var day = parseInt(m[3], 10);
    return (day === 1 ? "1er" : String(day)) + " " + MONTHS[parseInt(m[2], 10) - 1] + " " + m[1];
  }

  function hours(value) { return String(Number(value)).replace(".", ","); }

  function startText(course) {
    if (course.entrees_permanentes) { return "Entrée possible à tout moment"; }
    var date = frenchDate(course.debut);
    return date ? "Début le " + date : "Date de début à confirmer";
  }

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function fact(dl, label, value) {
    dl.appendChild(el("dt", null, label));
    dl.appendChild(el("dd", null, value));
  }

  function sentence(text) {
    text = String(text || "").trim();
    return text && !/[.!?…]$/.test(text) ? text + "." : text;
  }

  // A card as the ear gets it: one short sentence per fact.
  function cardSentences(course, rank, facts, reasons) {
    var parts = [sentence((rank ? "Formation " + rank + " : " : "") + (course.titre || "Formation"))];
    if (course.organisme) { parts.push(sentence("Organisme : " + course.organisme)); }
    facts.forEach(function (f) {
      parts.push(sentence(f[0] === "Début" ? f[1] : f[0] + " : " + f[1]));
    });
    if (reasons.length) {
      parts.push("Pourquoi cette formation :");
      reasons.forEach(function (r) { parts.push(sentence(r)); });
    }
    return parts.map(forSpeech).filter(Boolean);
  }

  function renderCard(course, rank, readable) {
    var card = el("article", "card");
    var title = el("h3", "card-title", (rank ? rank + ". " : "") + (course.titre || "Formation"));
    card.appendChild(title);
    if (course.organisme) { card.appendChild(el("p", "org", course.organisme)); }
    var dl = el("dl", "facts");
    var rhythm = [];
    if (course.heures_semaine) { rhythm.push(hours(course.heures_semaine) + " h par semaine"); }
    if (SLOTS[course.creneau]) { rhythm.push(SLOTS[course.creneau]); }
    var facts = [
      ["Mode", MODES[course.modalite] || course.modalite || "Non précisé"],
      ["Rythme", rhythm.length ? rhythm.join(", ") : "Non précisé"],
      ["Début", startText(course)],
      ["Matériel", course.pret_materiel ? "Ordinateur prêté"
        : (EQUIPMENT[course.equipement_requis] || "Non précisé")]
    ];
    if (course.accessible_handicap) { facts.push(["Handicap", "Formation adaptée"]); }
    facts.forEach(function (f) { fact(dl, f[0], f[1]); });
    card.appendChild(dl);
    var reasons = Array.isArray(course.raisons) ? course.raisons : [];
    if (reasons.length) {
      card.appendChild(el("h4", "why", "Pourquoi"));
      var ul = el("ul", "reasons");
      reasons.forEach(function (r) { ul.appendChild(el("li", null, r)); });
      card.appendChild(ul);
    }
    var actions = el("p", "card-actions");
    if (canSpeak) {
      var listen = listenButton(cardSentences(course, rank, facts, reasons), course.titre || "Formation");
      actions.appendChild(listen);
      readable.push({ button: listen, sentences: cardSentences(course, rank, facts, reasons) });
    }
    var url = safeUrl(course.url);
    if (url) {
      var a = el("a", "card-link", "Voir la formation");
      // Through the gateway's /go/ (counts the link followed, then redirects to the same URL).
      var tracked = typeof course.lien === "string" && /^\/go\/[^\/]/.test(course.lien) ? course.lien : null;
      a.href = tracked ? new URL(tracked, window.location.href).href : url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.appendChild(hidden(" (nouvelle fenêtre)"));
      actions.appendChild(a);
    }
    if (course.id) {
      var details = el("button", "chip details", "Détails");
      details.type = "button";
      details.appendChild(hidden(" : " + (course.titre || "")));
      details.addEventListener("click", function () {
        send('/course_details{"course_id":' + JSON.stringify(String(course.id)) + "}",
             "Détails : " + (course.titre || ""));
        input.focus();
      });
      actions.appendChild(details);
    }
    card.appendChild(actions);
    return card;
  }

  function renderRecommendations(payload, readable) {
    var courses = Array.isArray(payload.courses) ? payload.courses : [];
    if (!courses.length) { return null; }
    var li = item("bot");
    li.classList.add("recommendations");
    var ul = el("ul", "cards");
    ul.setAttribute("aria-label", "Formations proposées");
    courses.forEach(function (course, i) {
      if (course && typeof course === "object") {
        var cardItem = el("li");
        cardItem.appendChild(renderCard(course, i + 1, readable));
        ul.appendChild(cardItem);
      }
    });
    li.appendChild(ul);
    return li;
  }

  function renderChips(buttons) {
    var group = el("div", "chips");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Réponses proposées");
    buttons.forEach(function (b) {
      if (!b || typeof b.title !== "string") { return; }
      var chip = el("button", "chip", b.title);
      chip.type = "button";
      chip.addEventListener("click", function () {
        send(typeof b.payload === "string" && b.payload ? b.payload : b.title, b.title);
        input.focus();  // the chips are gone: the keyboard goes on from the message box
      });
      group.appendChild(chip);
    });
    return group;
  }

  function isErasure(message) {
    return !!(message && message.custom && typeof message.custom === "object" &&
              message.custom.type === "conversation_erased");
  }

  function clearHistory() {
    forget(HISTORY_KEY);
    history = [];
  }

  function isCourseCards(message) {
    return !!(message && message.custom && typeof message.custom === "object" &&
              message.custom.type === "recommendations");
  }

  // True when one of these history entries, before the next user message, shows cards.
  function cardsLaterInTurn(entries) {
    for (var j = 0; j < entries.length; j++) {
      if (entries[j].who === "user") { return false; }
      if (isCourseCards(entries[j].message)) { return true; }
    }
    return false;
  }

  // The assistant writes each course as a numbered paragraph for the messaging apps (Rasa
  // sends each paragraph as its own message); here the cards later in the same turn show
  // them, so only the other sentences are kept.
  function withoutCourseParagraphs(text) {
    return text.split("\n\n").filter(function (p) { return !/^\d+\. /.test(p); }).join("\n\n");
  }

  // A bot text bubble with its « Écouter » button; readable gets what it reads.
  function botBubble(li, text, readable) {
    li.appendChild(el("p", "bubble", text));
    if (canSpeak) {
      var sentences = sentencesOf(text);
      var listen = listenButton(sentences, null);
      li.appendChild(listen);
      if (readable) { readable.push({ button: listen, sentences: sentences }); }
    }
  }

  // withChips: only the last bot turn keeps its buttons. cardsFollow: a later message of
  // the same turn shows the courses as cards. Returns what « Écouter » would read, in order.
  function renderBot(message, withChips, cardsFollow) {
    var li = null;
    var readable = [];
    var text = typeof message.text === "string" ? message.text : "";
    if (cardsFollow) { text = withoutCourseParagraphs(text); }
    if (text) {
      li = item("bot");
      botBubble(li, text, readable);
    }
    if (isCourseCards(message)) {
      var cards = renderRecommendations(message.custom, readable);
      if (cards) { append(cards); }
    }
    if (li) { append(li); }
    if (withChips && Array.isArray(message.buttons) && message.buttons.length) {
      var holder = li || item("bot");
      holder.appendChild(renderChips(message.buttons));
      if (!li) { append(holder); }
    }
    return readable;
  }

  function renderError(text) {
    var li = item("bot");
    li.classList.add("error");
    var readable = [];
    botBubble(li, text, readable);
    // (on the text, not the list item: an <li> keeps its list role)
    li.querySelector(".bubble").setAttribute("role", "alert");
    append(li);
    readAloudIfAsked(readable);
  }

  function renderWelcome() {
    var li = item("bot");
    li.classList.add("welcome");
    botBubble(li,
      "Bonjour ! Je vous aide à trouver une formation à distance, payée par la Région. " +
      "Écrivez votre message en bas, ou appuyez sur « Commencer ».", null);
    li.appendChild(renderChips([{ title: "Commencer", payload: "Bonjour" }]));
    append(li);
  }

  function replay() {
    list.textContent = "";
    if (!history.length) { renderWelcome(); return; }
    var lastUser = -1;
    history.forEach(function (entry, i) { if (entry.who === "user") { lastUser = i; } });
    history.forEach(function (entry, i) {
      if (entry.who === "user") { renderUser(entry.text); }
      else if (entry.who === "bot" && entry.message) {
        renderBot(entry.message, i > lastUser, cardsLaterInTurn(history.slice(i + 1)));
      }
    });
  }

  // -- sending ---------------------------------------------------------------------------
  function setBusy(value) {
    busy = value;
    typing.hidden = !value;
    form.setAttribute("aria-busy", value ? "true" : "false");
  }

  function send(payload, shown) {
    if (busy) { return; }
    var text = String(payload || "").trim();
    if (!text) { return; }
    if (text.length > MAX_CHARS) {
      renderError("Votre message est trop long : 2 000 caractères au plus.");
      return;
    }
    var display = shown || text;
    stopReading(false);
    removeChips();
    var welcome = list.querySelector(".welcome");
    if (welcome) { welcome.parentNode.removeChild(welcome); }
    renderUser(display);
    remember({ who: "user", text: display });
    setBusy(true);
    fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ message: text })
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if (!response.ok || !Array.isArray(data)) {
          throw new Error(data && typeof data.error === "string" ? data.error
            : "Désolé, l'assistant ne répond pas pour le moment. Réessayez dans quelques minutes.");
        }
        return data;
      });
    }).then(function (messages) {
      setBusy(false);
      if (messages.some(isErasure)) {
        // Erased server-side: nothing of it stays in this browser either.
        clearHistory();
        messages = messages.filter(function (m) { return !isErasure(m); });
        var erasedTurn = [];
        messages.forEach(function (m, i) {
          if (m && typeof m === "object") { erasedTurn = erasedTurn.concat(renderBot(m, true, false)); }
        });
        readAloudIfAsked(erasedTurn);
        return;
      }
      var turn = [];
      messages.forEach(function (m, i) {
        if (m && typeof m === "object") {
          turn = turn.concat(renderBot(m, true, messages.slice(i + 1).some(isCourseCards)));
          remember({ who: "bot", message: m });
        }
      });
      readAloudIfAsked(turn);
    }).catch(function (error) {
      setBusy(false);
      renderError(error && error.message && !/fetch|network/i.test(error.message) ? error.message
        : "La connexion ne marche pas. Vérifiez votre réseau, puis essayez encore.");
    });
  }


  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim() || busy) { return; }
    input.value = "";
    send(text);
    input.focus();
  });

  restart.addEventListener("click", function () {
    stopReading(false);
    clearHistory();
    // A new conversation cookie; the old conversation is no longer reachable from here.
    fetch("/api/nouvelle-conversation", { method: "POST", credentials: "same-origin" })
      .catch(function () { /* the next message still works */ });
    replay();
    input.focus();
  });

  replay();
  document.documentElement.setAttribute("data-ready", "true");
})();
