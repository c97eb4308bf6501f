// The caseworkers' console, enhanced: live queue, urgent alert (banner, title,
// WebAudio beep), and claim/reply/close through the staff JSON API without a
// page reload. Every page works without this file (plain HTML forms).
// No innerHTML anywhere: text from people is only ever set as textContent.
(function () {
  "use strict";

  var body = document.body;
  var page = body.getAttribute("data-page");
  var baseTitle = document.title;
  var seenUrgent = {};
  var soundOn = false;
  var audio = null;
  // Every text this file writes comes from the page, already in the caseworker's
  // language (bot/views/console_texts.py, JS_TEXTS); the key is shown if one is missing.
  var texts = jsonData(body, "data-texts");
  var reasons = {};

  // -- small helpers ----------------------------------------------------------
  function text(key, values) {
    var result = Object.prototype.hasOwnProperty.call(texts, key) ? texts[key] : key;
    Object.keys(values || {}).forEach(function (name) {
      result = result.split("{" + name + "}").join(values[name]);
    });
    return result;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] !== null && attrs[name] !== undefined) node.setAttribute(name, attrs[name]);
    });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function jsonData(node, name) {
    try { return JSON.parse(node.getAttribute(name) || "{}"); } catch (e) { return {}; }
  }

  function localTime(iso) {
    if (!iso) return "";
    var date = new Date(iso);
    if (isNaN(date.getTime())) return iso;
    var locale = document.documentElement.lang || undefined;
    try {
      return date.toLocaleString(locale, {dateStyle: "medium", timeStyle: "short"});
    } catch (e) {
      return date.toLocaleString(undefined, {dateStyle: "medium", timeStyle: "short"});
    }
  }

  function localiseTimes(root) {
    (root || document).querySelectorAll("time[data-local-time]").forEach(function (node) {
      node.textContent = localTime(node.getAttribute("datetime"));
    });
  }

  function setLiveStatus(text) {
    var status = document.getElementById("live-status");
    if (status) status.textContent = text;
  }

  function reasonLabel(reason) {
    reason = reason || "";
    return reasons[reason] || reason.replace(/_/g, " ");
  }

  function getJSON(url) {
    return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (response.status === 401) {
          setLiveStatus(text("session_ended"));
          throw new Error("signed out");
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
  }

  // -- sound: browsers allow audio only after the user interacted ---------------
  function audioContext() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume();
    return audio;
  }

  function beep() {
    if (!soundOn) return;
    var context = audioContext();
    if (!context) return;
    // Two short tones, generated here: no audio file, no request.
    [0, 0.3].forEach(function (offset) {
      var start = context.currentTime + offset;
      var oscillator = context.createOscillator();
      var gain = context.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.2);
      oscillator.connect(gain);
      gain.connect(context.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.22);
    });
  }

  function showSoundState(button) {
    button.setAttribute("aria-pressed", soundOn ? "true" : "false");
    button.textContent = text(soundOn ? "sound_on" : "sound_off");
  }

  function setUpSoundToggle() {
    var button = document.getElementById("sound-toggle");
    if (!button) return;
    button.hidden = false;
    try { soundOn = window.localStorage.getItem("console-sound") === "on"; } catch (e) { soundOn = false; }
    showSoundState(button);
    button.addEventListener("click", function () {
      soundOn = !soundOn;
      try { window.localStorage.setItem("console-sound", soundOn ? "on" : "off"); } catch (e) { /* private mode */ }
      showSoundState(button);
      if (soundOn) beep();  // this click is the interaction that unlocks audio
    });
    if (soundOn) {
      // Remembered as on, but audio stays locked until the first interaction on this page.
      var unlock = function () {
        audioContext();
        document.removeEventListener("pointerdown", unlock);
        document.removeEventListener("keydown", unlock);
      };
      document.addEventListener("pointerdown", unlock);
      document.addEventListener("keydown", unlock);
    }
  }

  // -- the urgent alert -----------------------------------------------------------
  // The queue page knows its urgent cases from the HTML; other pages learn them on
  // their first fetch, quietly: a beep on every page change would be noise.
  var primed = page === "queue";

  function updateAlert(urgentIds) {
    var banner = document.getElementById("urgent-banner");
    var fresh = primed ? urgentIds.filter(function (id) { return !seenUrgent[id]; }) : [];
    primed = true;
    urgentIds.forEach(function (id) { seenUrgent[id] = true; });
    if (banner) banner.hidden = urgentIds.length === 0;
    document.title = urgentIds.length ? text("urgent_title") + " · " + baseTitle : baseTitle;
    if (fresh.length) beep();
  }

  // -- the queue ------------------------------------------------------------------
  var languages = {};

  function languageCell(c) {
    var lang = languages[c.language] || {label: c.language, name: c.language, rtl: false};
    var cell = el("td", {}, lang.label + " ");
    cell.appendChild(el("span", {lang: c.language, dir: lang.rtl ? "rtl" : "ltr"}, "(" + lang.name + ")"));
    if (c.speaks_language) {
      cell.appendChild(document.createTextNode(" "));
      cell.appendChild(el("span", {"class": "tag"}, text("you_speak_it")));
    } else if (c.reserved_for_speakers) {
      cell.appendChild(document.createTextNode(" "));
      cell.appendChild(el("span", {"class": "tag tag-held"}, text("held_for", {language: lang.label})));
    }
    return cell;
  }

  function caseRow(c) {
    var row = el("tr", {"class": c.urgent ? "case urgent" : "case", "data-case-id": c.id});
    var urgency = el("td");
    urgency.appendChild(c.urgent ? el("strong", {"class": "badge badge-urgent"}, text("urgent"))
                                 : el("span", {"class": "badge"}, text("normal")));
    row.appendChild(urgency);
    var link = el("td");
    link.appendChild(el("a", {href: "/console/cases/" + encodeURIComponent(c.id)}, reasonLabel(c.reason)));
    row.appendChild(link);
    row.appendChild(languageCell(c));
    var opened = el("td");
    opened.appendChild(el("time", {datetime: c.created_at, "data-local-time": ""}, localTime(c.created_at)));
    row.appendChild(opened);
    row.appendChild(el("td", {}, c.channel));
    row.appendChild(el("td", {}, text(c.state === "queued" ? "state_waiting"
                                      : (c.claimed_by_me ? "state_with_you" : "state_with_other"))));
    return row;
  }

  function fillTable(tableId, countId, cases) {
    var table = document.getElementById(tableId);
    var count = document.getElementById(countId);
    if (!table) return;
    var tbody = table.querySelector("tbody");
    // Rebuild only when something changed, so screen readers are not re-read the whole queue.
    var signature = JSON.stringify(cases);
    if (tbody.getAttribute("data-signature") === signature) return;
    var fresh = el("tbody", {"data-signature": signature});
    if (!cases.length) {
      var empty = el("tr", {"class": "empty"});
      empty.appendChild(el("td", {colspan: "6"}, text("none")));
      fresh.appendChild(empty);
    }
    cases.forEach(function (c) { fresh.appendChild(caseRow(c)); });
    table.replaceChild(fresh, tbody);
    if (count) count.textContent = String(cases.length);
  }

  function refreshQueue() {
    return getJSON("/api/staff/cases").then(function (data) {
      var waiting = data.cases.filter(function (c) { return c.state === "queued"; });
      var inProgress = data.cases.filter(function (c) { return c.state !== "queued"; });
      if (page === "queue") {
        fillTable("waiting-table", "waiting-count", waiting);
        fillTable("progress-table", "progress-count", inProgress);
      }
      updateAlert(waiting.filter(function (c) { return c.urgent; }).map(function (c) { return c.id; }));
    }).catch(function () { /* the status line says why; the next event or poll retries */ });
  }

  // -- a case ---------------------------------------------------------------------
  var caseId = body.getAttribute("data-case-id");
  var caseState = body.getAttribute("data-case-state");
  // True while this page's own claim or close is under way: it navigates by itself.
  var acting = false;

  function messageItem(m, transcript, senders, delivery) {
    var undelivered = Object.prototype.hasOwnProperty.call(delivery, m.status);
    var item = el("li", {"class": "message from-" + m.sender + (undelivered ? " undelivered" : ""),
                         "data-position": String(m.position)});
    var meta = el("p", {"class": "meta"});
    meta.appendChild(el("span", {"class": "sender"}, senders[m.sender] || m.sender));
    if (m.at) {
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(el("time", {datetime: m.at, "data-local-time": ""}, localTime(m.at)));
    }
    if (undelivered) {
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(el("strong", {"class": "delivery delivery-" + m.status}, delivery[m.status]));
    }
    item.appendChild(meta);
    var rtl = transcript.getAttribute("data-rtl") === "true";
    item.appendChild(m.sender === "caseworker"
      ? el("p", {"class": "text", dir: "auto"}, m.text)
      : el("p", {"class": "text", lang: transcript.getAttribute("data-language"), dir: rtl ? "rtl" : "ltr"}, m.text));
    return item;
  }

  function replyInProgress() {
    var text = document.getElementById("reply-text");
    return text && text.value.trim() !== "";
  }

  function refreshCase() {
    return getJSON("/api/staff/cases/" + encodeURIComponent(caseId)).then(function (data) {
      if (data.case.state !== caseState && !acting) {
        // The forms depend on the state: reload, unless a reply is being written.
        if (!replyInProgress()) { window.location.reload(); return; }
        showStatus(text("case_changed"), true);
      }
      var transcript = document.getElementById("transcript");
      if (!transcript) return;
      var senders = jsonData(transcript, "data-senders");
      var delivery = jsonData(transcript, "data-delivery");
      var signature = JSON.stringify(data.transcript);
      if (transcript.getAttribute("data-signature") === signature) return;
      transcript.setAttribute("data-signature", signature);
      while (transcript.firstChild) transcript.removeChild(transcript.firstChild);
      data.transcript.forEach(function (m) {
        transcript.appendChild(messageItem(m, transcript, senders, delivery));
      });
    }).catch(function () { /* see the status line */ });
  }

  function showStatus(text, isError) {
    var status = document.getElementById("action-status");
    if (!status) return;
    status.setAttribute("role", isError ? "alert" : "status");
    status.className = "notice" + (isError ? " error" : " done");
    status.textContent = text;
    status.hidden = false;
  }

  function errorText(code) {
    var errors = jsonData(document.getElementById("action-status"), "data-errors");
    return errors[code] || text("failed", {code: code});
  }

  function enhanceForm(form) {
    var lastButton = null;
    form.addEventListener("click", function (event) {
      if (event.target && event.target.tagName === "BUTTON") lastButton = event.target;
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var submitter = event.submitter || lastButton;
      var token = form.querySelector("input[name=csrf_token]").value;
      var payload = {};
      if (form.classList.contains("reply")) payload.text = form.querySelector("textarea").value;
      if (form.classList.contains("canned") && submitter) payload.canned = submitter.value;
      if (form.classList.contains("close")) payload.outcome = form.querySelector("select").value;
      var changesState = form.classList.contains("close") || !(payload.text !== undefined || payload.canned);
      if (changesState) acting = true;
      var buttons = form.querySelectorAll("button");
      buttons.forEach(function (b) { b.disabled = true; });
      fetch(form.getAttribute("data-api"), {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": token},
        body: JSON.stringify(payload)
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) {
            acting = false;
            showStatus(errorText(data.error || String(response.status)), true);
            return;
          }
          if (form.classList.contains("reply") || form.classList.contains("canned")) {
            if (form.classList.contains("reply")) form.querySelector("textarea").value = "";
            showStatus(text(data.delivered ? "sent" : "saved_not_delivered"), !data.delivered);
            refreshCase();
          } else {
            var done = form.classList.contains("close") ? "closed" : "claimed";
            window.location.assign("/console/cases/" + encodeURIComponent(caseId) + "?done=" + done);
          }
        });
      }).catch(function () {
        acting = false;
        showStatus(text("no_answer"), true);
      }).then(function () {
        buttons.forEach(function (b) { b.disabled = false; });
      });
    });
  }

  // -- live events ----------------------------------------------------------------
  var pending = null;

  function onEvent(event) {
    if (event.type === "case_opened" && event.urgent && !seenUrgent[event.case_id]) {
      seenUrgent[event.case_id] = true;
      beep();  // at once; the re-fetch below brings the banner and the list
    }
    if (page === "case" && event.case_id === caseId) refreshCase();
    // Events come in bursts: one re-fetch for a burst.
    if (pending) return;
    pending = window.setTimeout(function () { pending = null; refreshQueue(); }, 150);
  }

  function connect(attempt) {
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    var socket = new WebSocket(scheme + "//" + window.location.host + "/api/staff/ws");
    socket.addEventListener("open", function () {
      attempt = 0;
      setLiveStatus(text("live"));
      refreshQueue();  // catch up on what happened while disconnected
      if (page === "case") refreshCase();
    });
    socket.addEventListener("message", function (message) {
      try { onEvent(JSON.parse(message.data)); } catch (e) { /* not an event */ }
    });
    socket.addEventListener("close", function () {
      setLiveStatus(text("reconnecting"));
      var delay = Math.min(30000, 1000 * Math.pow(2, attempt));
      window.setTimeout(function () { connect(attempt + 1); }, delay);
    });
  }

  localiseTimes();
  if (page === "queue" || page === "case") {
    languages = jsonData(document.getElementById("queue") || body, "data-languages");
    reasons = jsonData(document.getElementById("queue") || body, "data-reasons");
    document.querySelectorAll("#waiting-table tr.urgent").forEach(function (row) {
      seenUrgent[row.getAttribute("data-case-id")] = true;
    });
    if (document.querySelectorAll("#waiting-table tr.urgent").length) {
      document.title = text("urgent_title") + " · " + baseTitle;
    }
    setUpSoundToggle();
    document.querySelectorAll("form[data-api]").forEach(enhanceForm);
    connect(0);
    // A slow poll as well: it keeps the times fresh and covers a silently dead socket.
    window.setInterval(refreshQueue, 60000);
  }
})();
