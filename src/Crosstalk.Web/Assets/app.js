// Crosstalk web viewer: the live stream (server-sent events) and self-refreshing panels. No framework, no inline code.
// Text from models is only ever inserted with textContent; HTML comes only from the server, which encodes it.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const live = document.getElementById("live");
  if (live) {
    watch(live);
  }

  for (const panel of document.querySelectorAll("[data-refresh]")) {
    refreshEvery(panel, 3000);
  }
});

function watch(root) {
  const list = document.getElementById("messages");
  const status = document.getElementById("status");
  const stopForm = document.getElementById("stop-form");
  const count = document.getElementById("message-count");
  if (status.dataset.state === "stopped") {
    return;
  }

  const source = new EventSource(root.dataset.events);
  const find = (index) => list.querySelector(`li[data-index="${index}"]`);
  const nearBottom = () => window.innerHeight + window.scrollY >= document.body.scrollHeight - 200;

  source.addEventListener("started", (e) => {
    const d = JSON.parse(e.data);
    if (find(d.index)) {
      return;
    }
    const li = document.createElement("li");
    li.className = `msg streaming ${d.seatClass} ${d.seat % 2 === 0 ? "right" : "left"}`;
    li.dataset.index = String(d.index);
    li.id = `m${d.index}`;
    const meta = document.createElement("div");
    meta.className = "meta";
    const speaker = document.createElement("span");
    speaker.className = "speaker";
    speaker.textContent = d.speaker;
    const index = document.createElement("span");
    index.className = "index";
    index.textContent = `#${d.index}`;
    meta.append(speaker, index);
    const body = document.createElement("div");
    body.className = "body";
    li.append(meta, body);
    const follow = nearBottom();
    list.append(li);
    if (follow) {
      li.scrollIntoView({ block: "end" });
    }
  });

  source.addEventListener("delta", (e) => {
    const d = JSON.parse(e.data);
    const li = find(d.index);
    if (!li || !li.classList.contains("streaming")) {
      return;
    }
    const follow = nearBottom();
    li.querySelector(".body").append(document.createTextNode(d.text));
    if (follow) {
      li.scrollIntoView({ block: "end" });
    }
  });

  source.addEventListener("restarted", (e) => {
    const d = JSON.parse(e.data);
    const li = find(d.index);
    if (li && li.classList.contains("streaming")) {
      li.querySelector(".body").textContent = "";
    }
  });

  source.addEventListener("completed", (e) => {
    const d = JSON.parse(e.data);
    const template = document.createElement("template");
    template.innerHTML = d.html;
    const fresh = template.content.firstElementChild;
    const old = find(d.index);
    if (old) {
      old.replaceWith(fresh);
    } else {
      list.append(fresh);
    }
    if (count) {
      count.textContent = String(list.querySelectorAll("li.msg").length);
    }
  });

  source.addEventListener("stopped", (e) => {
    const d = JSON.parse(e.data);
    source.close();
    for (const li of list.querySelectorAll("li.streaming")) {
      li.classList.remove("streaming");
    }
    status.textContent = `Stopped: ${d.reason}${d.detail ? " — " + d.detail : ""}`;
    status.dataset.state = "stopped";
    status.dataset.meaning = d.meaning;
    if (stopForm) {
      stopForm.hidden = true;
    }
  });
}

function refreshEvery(panel, milliseconds) {
  const url = panel.dataset.refresh;
  setInterval(async () => {
    if (document.hidden) {
      return;
    }
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok) {
        panel.innerHTML = await response.text();
      }
    } catch {
      // The server may be restarting; try again next time.
    }
  }, milliseconds);
}
