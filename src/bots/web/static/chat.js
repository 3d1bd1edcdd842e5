// The web chat client: renders the bot's Adaptive Cards with the `adaptivecards`
// package and sends text and card actions back to /web/api/turn.
(function () {
  "use strict";
  var AC = window.AdaptiveCards;
  var messages = document.getElementById("messages");
  var select = document.getElementById("person");
  var rolesEl = document.getElementById("roles");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var people = [];
  var inboxAfter = 0;

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  // Just enough markdown for the bot's texts: **bold**, _italic_, "- " lists, "> " quotes, line breaks.
  // A backslash escape (how the bot marks what people typed) is a literal character, never markup.
  AC.AdaptiveCard.onProcessMarkdown = function (text, result) {
    var literals = [];
    var marked = text.replace(/\\([\\`*_~[\]<>|#+\-=.)])/g, function (_, c) {
      return "\uE000" + (literals.push(c) - 1) + "\uE001";
    });
    var html = escapeHtml(marked)
      .replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>")
      .replace(/(^|\s)_(.+?)_(?=\s|$)/g, "$1<em>$2</em>")
      .split("\n")
      .map(function (line) {
        if (/^- /.test(line)) return "&bull; " + line.slice(2);
        if (/^&gt; /.test(line)) return "<span style=\"opacity:.7\">" + line.slice(5) + "</span>";
        return line;
      })
      .join("<br>")
      .replace(/\uE000(\d+)\uE001/g, function (_, i) {
        return escapeHtml(literals[Number(i)]);
      });
    result.outputHtml = html;
    result.didProcess = true;
  };

  function scrollDown() {
    messages.scrollTop = messages.scrollHeight;
  }

  function addUserText(text) {
    var div = document.createElement("div");
    div.className = "msg user";
    div.textContent = text;
    messages.appendChild(div);
    scrollDown();
  }

  function addError(text) {
    var div = document.createElement("div");
    div.className = "msg bot error";
    div.textContent = text;
    messages.appendChild(div);
    scrollDown();
  }

  var cardSeq = 0;
  function renderCard(json, holder) {
    var card = new AC.AdaptiveCard();
    // This rendering of the card: a double click sends the same turnId, so the server makes one change.
    var turnId = Date.now().toString(36) + "-" + ++cardSeq + "-" + Math.random().toString(36).slice(2, 10);
    card.onExecuteAction = function (action) {
      if (action instanceof AC.OpenUrlAction) {
        window.open(action.url, "_blank", "noopener");
        return;
      }
      var data = Object.assign({}, action.data || {});
      var verb = action.verb || data.verb;
      delete data.verb;
      send({ action: { verb: verb, data: data }, turnId: turnId }, holder);
    };
    card.parse(json);
    var el = card.render();
    holder.innerHTML = "";
    holder.appendChild(el);
    holder.dataset.cardJson = JSON.stringify(json);
  }

  function addCard(json) {
    var holder = document.createElement("div");
    holder.className = "msg bot";
    messages.appendChild(holder);
    renderCard(json, holder);
    scrollDown();
    return holder;
  }

  function currentPerson() {
    return Number(select.value);
  }

  function send(body, fromHolder) {
    body.personId = currentPerson();
    return fetch("/web/api/turn", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    })
      .then(function (res) {
        return res.json().then(function (json) {
          if (!res.ok) throw new Error(json.error || res.statusText);
          return json;
        });
      })
      .then(function (reply) {
        if (reply.replace) {
          if (fromHolder) renderCard(reply.replace, fromHolder);
          else addCard(reply.replace);
        }
        (reply.cards || []).forEach(addCard);
      })
      .catch(function (err) {
        addError(String(err.message || err));
      });
  }

  function pollInbox() {
    if (!currentPerson()) return;
    fetch("/web/api/inbox?personId=" + currentPerson() + "&after=" + inboxAfter)
      .then(function (res) {
        return res.json();
      })
      .then(function (json) {
        (json.messages || []).forEach(function (m) {
          addCard(m.card);
        });
        inboxAfter = json.lastId || inboxAfter;
      })
      .catch(function () {});
  }

  function choosePerson() {
    var p = people.find(function (x) {
      return x.id === currentPerson();
    });
    localStorage.setItem("samordna.personId", select.value);
    rolesEl.textContent = p ? p.roles.join(", ") + (p.department ? " · " + p.department : "") + " · " + p.locale : "";
    document.documentElement.lang = p ? p.locale : "sv";
    messages.innerHTML = "";
    inboxAfter = 0;
    pollInbox();
    send({ text: p && p.locale === "en" ? "help" : "hjälp" });
  }

  fetch("/web/api/people")
    .then(function (res) {
      return res.json();
    })
    .then(function (list) {
      people = list;
      list.forEach(function (p) {
        var opt = document.createElement("option");
        opt.value = String(p.id);
        opt.textContent = p.displayName + " (" + p.roles.filter(function (r) { return r !== "employee"; }).concat(p.roles.length === 1 ? ["employee"] : []).join(", ") + ")";
        select.appendChild(opt);
      });
      var saved = localStorage.getItem("samordna.personId");
      if (saved && list.some(function (p) { return String(p.id) === saved; })) select.value = saved;
      choosePerson();
      setInterval(pollInbox, 3000);
    });

  select.addEventListener("change", choosePerson);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    addUserText(text);
    send({ text: text });
  });
})();
