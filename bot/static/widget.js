/* Help desk web widget: <script src="https://HOST/widget.js" data-lang="fr" defer></script>
 * adds a launcher button and a chat panel talking to the gateway that served this file.
 *
 * Works under a strict Content-Security-Policy: no eval, no inline handlers or
 * style attributes, styles from HOST/widget.css inside a shadow root. Every
 * text from the gateway goes through textContent, never parsed as HTML. The browser
 * keeps only the conversation id, the last position, the language and whether
 * the panel is open (localStorage): never a message's text, which is read back
 * from the gateway. Quick exit clears all of it and leaves with location.replace.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.__helpdeskWidget) return; // one widget per page
  window.__helpdeskWidget = true;

  var BASE = new URL(script.src, location.href).origin;
  var WS_BASE = BASE.replace(/^http/, 'ws');
  var PREFIX = 'helpdesk-widget:';
  var KEY = PREFIX + BASE;
  var DEFAULT_EXIT = 'https://www.bbc.com/weather';
  var POLL_OPEN_MS = 4000;
  var POLL_CLOSED_MS = 15000;
  var exitUrl = safeUrl(script.getAttribute('data-exit-url')) || DEFAULT_EXIT;

  var state = load();
  var S = {}; // the UI texts, from /widget/strings/{lang}.json
  var ui = {};
  var pending = []; // bubbles of sent messages the store has not confirmed yet
  var titles = {}; // button payload -> title, to show what the person chose
  var ws = null;
  var retry = 0;
  var reconnectTimer = 0;
  var pollTimer = 0;
  var stopped = false;
  var loadingHistory = false;
  var seenBefore = 0; // the position reached on an earlier page: later replies are new

  function safeUrl(value) {
    try {
      var url = new URL(value || '', location.href);
      return value && /^https?:$/.test(url.protocol) ? url.href : '';
    } catch (e) {
      return '';
    }
  }

  // -- storage (localStorage may be disabled: then the widget forgets on reload)
  function load() {
    try {
      return JSON.parse(localStorage.getItem(KEY)) || {};
    } catch (e) {
      return {};
    }
  }

  function save() {
    try {
      localStorage.setItem(KEY, JSON.stringify(state));
    } catch (e) { /* private mode: keep it in memory only */ }
  }

  function clearStorage() {
    try {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var key = localStorage.key(i);
        if (key && key.indexOf(PREFIX) === 0) localStorage.removeItem(key);
      }
    } catch (e) { /* nothing stored */ }
  }

  function newId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return (b + 256).toString(16).slice(1);
    }).join('');
  }

  function api(path) {
    return BASE + '/api/chat/' + encodeURIComponent(state.id) + path;
  }

  // -- building the DOM, node by node (nothing is ever parsed as HTML)
  function el(tag, cls, parent) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (parent) parent.appendChild(node);
    return node;
  }

  function icon() {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z');
    svg.appendChild(path);
    return svg;
  }

  function build() {
    var host = el('div');
    host.id = 'helpdesk-widget';
    var root = host.attachShadow({ mode: 'open' });
    var link = el('link', '', root);
    link.rel = 'stylesheet';
    link.href = BASE + '/widget.css';
    var box = el('div', 'hdw', root);
    box.hidden = true; // shown once its stylesheet is there
    link.addEventListener('load', function () { box.hidden = false; });

    var launcher = el('button', 'hdw-launcher', box);
    launcher.type = 'button';
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-controls', 'hdw-panel');
    launcher.appendChild(icon());
    var launcherText = el('span', '', launcher);
    var notice = el('p', 'hdw-sr', box); // announces replies while the panel is closed
    notice.setAttribute('role', 'status');

    var panel = el('section', 'hdw-panel', box);
    panel.id = 'hdw-panel';
    panel.hidden = true;
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-labelledby', 'hdw-title');
    var head = el('header', 'hdw-head', panel);
    var title = el('h2', 'hdw-title', head);
    title.id = 'hdw-title';
    var exit = el('button', 'hdw-exit', head);
    exit.type = 'button';
    exit.setAttribute('aria-describedby', 'hdw-exit-help');
    var exitHelp = el('span', 'hdw-sr', head);
    exitHelp.id = 'hdw-exit-help';
    var close = el('button', 'hdw-close', head);
    close.type = 'button';
    close.textContent = '\u00d7';

    var log = el('div', 'hdw-log', panel);
    log.setAttribute('role', 'log');
    log.setAttribute('aria-live', 'polite');
    log.setAttribute('aria-labelledby', 'hdw-title');
    log.tabIndex = 0; // scrollable by keyboard
    var status = el('p', 'hdw-status', panel);
    status.setAttribute('role', 'status');

    var form = el('form', 'hdw-form', panel);
    var label = el('label', 'hdw-sr', form);
    label.htmlFor = 'hdw-input';
    var input = el('textarea', 'hdw-input', form);
    input.id = 'hdw-input';
    input.rows = 2;
    input.maxLength = 2000;
    input.dir = 'auto';
    var sendButton = el('button', 'hdw-send', form);
    sendButton.type = 'submit';
    var end = el('button', 'hdw-end', panel);
    end.type = 'button';

    ui = { host: host, box: box, launcher: launcher, launcherText: launcherText, notice: notice,
      panel: panel, title: title, exit: exit, exitHelp: exitHelp, close: close, log: log,
      status: status, label: label, input: input, send: sendButton, end: end };

    launcher.addEventListener('click', function () {
      if (panel.hidden) open(true); else closePanel();
    });
    close.addEventListener('click', closePanel);
    exit.addEventListener('click', quickExit);
    end.addEventListener('click', endConversation);
    panel.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') {
        event.preventDefault();
        closePanel();
      }
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      submit();
    });
    input.addEventListener('keydown', function (event) {
      // Enter sends, Shift+Enter is a new line; not while an input method composes.
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
      }
    });
    document.body.appendChild(host);
  }

  function applyStrings(data) {
    S = data.strings;
    state.lang = data.lang;
    ui.box.lang = data.lang;
    ui.box.dir = data.dir;
    ui.launcherText.textContent = S.launcher;
    ui.title.textContent = S.title;
    ui.exit.textContent = S.quick_exit;
    ui.exitHelp.textContent = S.quick_exit_help;
    ui.close.setAttribute('aria-label', S.close);
    ui.close.title = S.close;
    ui.label.textContent = S.input_label;
    ui.input.placeholder = S.placeholder;
    ui.send.textContent = S.send;
    ui.end.textContent = S.end;
    if (ui.status.textContent) ui.status.textContent = S.connection_lost;
  }

  function fetchStrings(lang) {
    return fetch(BASE + '/widget/strings/' + encodeURIComponent(lang || 'default') + '.json')
      .then(function (r) {
        if (!r.ok) throw new Error('strings ' + r.status);
        return r.json();
      });
  }

  function switchLanguage(lang) {
    fetchStrings(lang).then(function (data) {
      applyStrings(data);
      save();
    }, function () { /* keep the current texts */ });
  }

  // -- the panel
  function open(focus) {
    ui.panel.hidden = false;
    ui.launcher.setAttribute('aria-expanded', 'true');
    ui.launcher.classList.remove('hdw-unread');
    ui.notice.textContent = '';
    ui.log.scrollTop = ui.log.scrollHeight;
    state.open = true;
    save();
    if (focus) ui.input.focus();
  }

  function closePanel() {
    ui.panel.hidden = true;
    ui.launcher.setAttribute('aria-expanded', 'false');
    state.open = false;
    save();
    ui.launcher.focus();
  }

  function senderName(sender) {
    return sender === 'user' ? S.you : sender === 'caseworker' ? S.caseworker : S.assistant;
  }

  function addMessage(sender, text, buttons) {
    var item = el('div', 'hdw-msg hdw-from-' + (sender === 'user' || sender === 'caseworker' ? sender : 'bot'));
    // Said by screen readers for everyone; shown for the caseworker, a person.
    var who = el('span', sender === 'caseworker' ? 'hdw-who' : 'hdw-sr', item);
    who.textContent = senderName(sender) + (sender === 'caseworker' ? '' : ': ');
    if (text) {
      var body = el('p', 'hdw-text', item);
      body.dir = 'auto';
      body.textContent = text;
    }
    if (buttons && buttons.length) {
      var row = el('div', 'hdw-choices', item);
      buttons.forEach(function (b) {
        titles[b.payload] = b.title;
        var choice = el('button', 'hdw-choice', row);
        choice.type = 'button';
        choice.dir = 'auto';
        choice.textContent = b.title;
        choice.addEventListener('click', function () { send(b.payload, b.title); });
      });
    }
    ui.log.appendChild(item);
    ui.log.scrollTop = ui.log.scrollHeight;
    return item;
  }

  function addNote(text) {
    var note = el('p', 'hdw-note', ui.log);
    note.textContent = text;
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function setOnline(online) {
    ui.status.textContent = online ? '' : S.connection_lost;
  }

  // -- messages from the gateway's store, in order, each once
  function receive(messages) {
    messages.forEach(function (m) {
      if (m.position <= (state.last || 0)) return;
      state.last = m.position;
      if (m.sender === 'user' && pending.length) {
        pending.shift().classList.remove('hdw-pending'); // ours, already shown
        return;
      }
      var text = m.sender === 'user' && titles[m.text] ? titles[m.text] : m.text;
      addMessage(m.sender, text, m.buttons);
      if (m.sender !== 'user' && ui.panel.hidden && (!loadingHistory || m.position > seenBefore)) {
        ui.launcher.classList.add('hdw-unread');
        ui.notice.textContent = S.new_message;
      }
    });
    save();
  }

  function sync() {
    var after = state.last || 0;
    return fetch(api('/messages?after=' + after)).then(function (r) {
      if (!r.ok) throw new Error('messages ' + r.status);
      return r.json();
    }).then(function (data) {
      receive(data.messages || []);
    });
  }

  function submit() {
    var text = ui.input.value.trim();
    if (!text) return;
    ui.input.value = '';
    send(text, text);
  }

  function send(text, shown) {
    if (!state.id) {
      state.id = newId();
      state.last = 0;
      save();
    }
    var bubble = addMessage('user', shown);
    bubble.classList.add('hdw-pending');
    pending.push(bubble);
    var failed = function (message) {
      pending = pending.filter(function (b) { return b !== bubble; });
      bubble.classList.remove('hdw-pending');
      bubble.classList.add('hdw-failed');
      addNote(message || S.not_sent);
    };
    return fetch(api('/messages'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: text, locale: state.lang })
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) return failed(data.message);
        setOnline(true);
        return sync().catch(function () {
          // Sent, but the read failed: the socket or polling will bring the replies.
          setOnline(false);
          connect();
          poll();
          throw null;
        }).then(function () {
          if (pending.indexOf(bubble) >= 0) {
            // The store has no trace of it: the conversation was just erased
            // ("forget me"). Show the goodbye and start afresh next time. (The
            // gateway publishes only once replies are stored, so the socket
            // cannot have confirmed a message that was then erased.)
            pending = [];
            bubble.classList.remove('hdw-pending');
            (data.messages || []).forEach(function (m) { addMessage('bot', m.text, m.buttons); });
            forgetLocally();
            return;
          }
          if (data.language && data.language !== state.lang) switchLanguage(data.language);
          connect();
        });
      });
    }).catch(function (error) {
      if (error === null) return; // sent; handled above
      if (pending.indexOf(bubble) >= 0) failed(S.connection_lost);
      setOnline(false);
    });
  }

  // -- live updates: WebSocket, polling while it is down
  function connect() {
    if (ws || stopped || !state.id) return;
    clearTimeout(reconnectTimer);
    var socket;
    try {
      socket = new WebSocket(WS_BASE + '/api/chat/' + encodeURIComponent(state.id) + '/ws?after=' + (state.last || 0));
    } catch (e) {
      return poll();
    }
    ws = socket;
    socket.addEventListener('open', function () {
      retry = 0;
      clearTimeout(pollTimer);
      pollTimer = 0;
      setOnline(true);
    });
    socket.addEventListener('message', function (event) {
      try {
        receive(JSON.parse(event.data).messages || []);
      } catch (e) { /* not ours */ }
    });
    socket.addEventListener('close', function () {
      if (ws !== socket) return;
      ws = null;
      if (stopped) return;
      poll();
      retry = Math.min(retry + 1, 6);
      reconnectTimer = setTimeout(connect, 1000 * Math.pow(2, retry));
    });
  }

  function poll() {
    if (pollTimer || stopped) return;
    pollTimer = setTimeout(function () {
      pollTimer = 0;
      if (stopped || !state.id || (ws && ws.readyState === 1)) return;
      sync().then(function () { setOnline(true); }, function () { setOnline(false); })
        .then(poll);
    }, ui.panel.hidden ? POLL_CLOSED_MS : POLL_OPEN_MS);
  }

  function stopLive() {
    stopped = true;
    clearTimeout(reconnectTimer);
    clearTimeout(pollTimer);
    pollTimer = 0;
    if (ws) {
      var socket = ws;
      ws = null;
      socket.close();
    }
  }

  function forgetLocally() {
    stopLive();
    pending = [];
    state = { lang: state.lang, open: state.open };
    save();
    stopped = false;
  }

  function endConversation() {
    forgetLocally();
    while (ui.log.firstChild) ui.log.removeChild(ui.log.firstChild);
    setOnline(true);
    ui.input.focus();
  }

  function quickExit() {
    stopLive();
    clearStorage();
    state = {};
    ui.host.remove(); // nothing left on screen, even before the next page draws
    location.replace(exitUrl); // Back does not come here again
  }

  // -- start
  function start() {
    var lang = state.id && state.lang ? state.lang
      : script.getAttribute('data-lang') || document.documentElement.lang || navigator.language;
    fetchStrings(lang).then(function (data) {
      build();
      applyStrings(data);
      save();
      if (!state.id) {
        if (state.open) open(false);
        return;
      }
      // Read the conversation back from the gateway (no text is kept in the browser);
      // aria-busy keeps screen readers from reading the whole history aloud.
      seenBefore = state.last || 0;
      state.last = 0;
      loadingHistory = true;
      ui.log.setAttribute('aria-busy', 'true');
      sync().then(connect, function () {
        setOnline(false);
        poll();
      }).then(function () {
        loadingHistory = false;
        ui.log.setAttribute('aria-busy', 'false');
        if (state.open) open(false);
      });
    }, function () { /* gateway unreachable or this site not allowed: no widget */ });
  }

  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
