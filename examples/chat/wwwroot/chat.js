// The chat page: one hub connection (/chathub) through the official client. The server calls
// Message(message), People(people), Rooms(rooms) (the whole list, once) and Room(room) (one room that
// changed, or went) here; the page calls SetName, JoinRoom, SendToRoom and Broadcast there.
"use strict";

const connection = new signalR.HubConnectionBuilder()
  .withUrl("/chathub")
  .withAutomaticReconnect()
  .build();

const $ = (id) => document.getElementById(id);
let myName = null;
let myRoom = null;

// --- what the server sends ---------------------------------------------------------------------

connection.on("Message", (m) => {
  if (!m.room || m.room === myRoom) {
    showMessage(m);
  }
});

connection.on("People", (people) => {
  $("people-count").textContent = people.length;
  $("people").replaceChildren(...people.map((p) => {
    const li = element("li", "", "");
    li.append(avatar(p.name), element("span", "name", p.name), element("span", "where", p.room ? "#" + p.room : ""));
    if (p.name === myName) li.classList.add("me");
    return li;
  }));
});

connection.on("Rooms", (rooms) => {
  $("rooms").replaceChildren(...rooms.map(roomItem));
});

connection.on("Room", (r) => {
  const items = [...$("rooms").children];
  const existing = items.find((li) => li.dataset.room === r.name);
  if (!r.open) {
    existing?.remove();
  } else if (existing) {
    existing.replaceWith(roomItem(r));
  } else {  // a new room: in name order, as the server lists them
    $("rooms").insertBefore(roomItem(r), items.find((li) => li.dataset.room > r.name) ?? null);
  }
});

function roomItem(r) {
  const li = element("li", r.name === myRoom ? "current" : "", "");
  li.dataset.room = r.name;
  const button = element("button", "", "#" + r.name);
  button.type = "button";
  button.addEventListener("click", () => join(r.name));
  li.append(button, element("span", "count", r.people || ""));
  return li;
}

// --- what the page asks ------------------------------------------------------------------------

async function join(room) {
  try {
    const history = await connection.invoke("JoinRoom", room);
    myRoom = room.trim().toLowerCase();
    $("room-title").textContent = "#" + myRoom;
    $("messages").replaceChildren();
    history.forEach(showMessage);
    for (const li of $("rooms").children) {
      li.classList.toggle("current", li.firstChild.textContent === "#" + myRoom);
    }
    $("message-input").focus();
  } catch (e) {
    showError(e);
  }
}

async function send(method) {
  const input = $("message-input");
  const text = input.value.trim();
  if (!text) return;
  try {
    await connection.invoke(method, text);
    input.value = "";
  } catch (e) {
    showError(e);
  }
}

$("composer").addEventListener("submit", (e) => { e.preventDefault(); send("SendToRoom"); });
$("announce").addEventListener("click", () => send("Broadcast"));

$("room-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const input = $("room-input");
  if (input.value.trim()) join(input.value);
  input.value = "";
});

$("name-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    myName = await connection.invoke("SetName", $("name-input").value);
    $("welcome").close();
    for (const id of ["message-input", "send", "announce"]) $(id).disabled = false;
    await join(myRoom || "lobby");
  } catch (err) {
    $("name-error").textContent = cleanError(err);
    $("name-error").hidden = false;
  }
});

// --- connection state ----------------------------------------------------------------------------

function setStatus(kind, text) {
  $("status").className = "status " + kind;
  $("status").textContent = text;
}

connection.onreconnecting(() => setStatus("connecting", "Reconnecting…"));
connection.onreconnected(async () => {
  setStatus("online", "Online");
  if (myName) {  // a new connection: the server knows nothing of us yet
    myName = await connection.invoke("SetName", myName);
    if (myRoom) await join(myRoom);
  }
});
connection.onclose(() => setStatus("offline", "Disconnected — reload to try again"));

async function start() {
  $("welcome").addEventListener("cancel", (e) => e.preventDefault());  // Escape: a name is needed
  $("welcome").showModal();
  try {
    await connection.start();
    setStatus("online", "Online");
  } catch (e) {
    setStatus("offline", "Cannot connect");
    $("name-error").textContent = "Cannot reach the server: " + e.message;
    $("name-error").hidden = false;
  }
}

// --- drawing -------------------------------------------------------------------------------------

function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== "") e.textContent = text;
  return e;
}

function avatar(name) {
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.codePointAt(0)) >>> 0;
  const a = element("span", "avatar", [...name][0].toUpperCase());
  a.style.background = `hsl(${hash % 360} 55% 52%)`;
  return a;
}

function showMessage(m) {
  const list = $("messages");
  let li;
  if (!m.from) {
    li = element("li", "notice", m.text);
  } else {
    li = element("li", "message" + (m.room ? "" : " everyone") + (m.from === myName ? " mine" : ""), "");
    const head = element("div", "head", "");
    head.append(element("span", "from", m.from), element("time", "", formatTime(m.time)));
    if (!m.room) head.append(element("span", "tag", "to everyone"));
    const body = element("div", "body", "");
    body.append(head, element("p", "text", m.text));
    li.append(avatar(m.from), body);
  }
  list.append(li);
  list.scrollTop = list.scrollHeight;
}

function formatTime(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

// "An unexpected error occurred invoking 'X' on the server. HubException: Join a room first." -> the last part
function cleanError(e) {
  const text = e && e.message ? e.message : String(e);
  const i = text.lastIndexOf("HubException: ");
  return i >= 0 ? text.slice(i + "HubException: ".length) : text;
}

function showError(e) {
  const p = $("error");
  p.textContent = cleanError(e);
  p.hidden = false;
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => { p.hidden = true; }, 4000);
}

start();
