/**
 * The phone simulator page: text the business as any number and see its
 * replies. Plain HTML and a small script; texts are shown with textContent,
 * never as HTML.
 */
export const SIMULATOR_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Phone simulator · Textdesk</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0; background: Canvas; color: CanvasText; }
  main { max-width: 420px; margin: 24px auto; padding: 0 16px; }
  h1 { font-size: 20px; }
  label { display: block; font-weight: 600; margin: 12px 0 4px; }
  input, textarea, button { font: inherit; width: 100%; box-sizing: border-box; padding: 8px 10px; border-radius: 8px; border: 1px solid #8886; }
  button { margin-top: 10px; background: #2457d6; color: white; border: none; cursor: pointer; }
  ol { list-style: none; padding: 0; display: flex; flex-direction: column; gap: 6px; margin-top: 20px; }
  li { max-width: 80%; padding: 8px 12px; border-radius: 14px; white-space: pre-wrap; overflow-wrap: anywhere; }
  li.sent { align-self: flex-end; background: #2457d6; color: white; }
  li.received { align-self: flex-start; background: #8882; }
  .error { color: #c62828; }
  .hint { color: #888; font-size: 13px; }
  li img { display: block; max-width: 100%; max-height: 240px; border-radius: 10px; margin: 4px 0; }
  li a { color: inherit; }
</style>
</head>
<body>
<main>
  <h1>Phone simulator</h1>
  <p class="hint">Text the business as any phone number and see its replies. Try HELP, STOP or START.</p>
  <form id="compose">
    <label for="from">Your number</label>
    <input id="from" name="from" value="+1 201 555 0123" autocomplete="off" required>
    <label for="body">Message</label>
    <textarea id="body" name="body" rows="3" maxlength="1600"></textarea>
    <label for="attach">Picture or file</label>
    <input id="attach" name="attach" type="file" multiple>
    <button type="submit">Send</button>
    <p id="status" role="status" aria-live="polite"></p>
  </form>
  <ol id="thread" aria-label="Conversation"></ol>
</main>
<script src="/simulator/app.js"></script>
</body>
</html>
`;

export const SIMULATOR_SCRIPT = `'use strict';
const form = document.getElementById('compose');
const from = document.getElementById('from');
const body = document.getElementById('body');
const status = document.getElementById('status');
const thread = document.getElementById('thread');
const attach = document.getElementById('attach');
let shown = '';

function mediaOf(file) {
  if (file.type.startsWith('image/')) {
    const image = document.createElement('img');
    image.src = file.url;
    image.alt = file.filename || 'Picture';
    return image;
  }
  const link = document.createElement('a');
  link.href = file.url;
  link.textContent = file.filename || file.type;
  link.download = file.filename || '';
  return link;
}

function readAsBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',')[1] || '');
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

async function refresh() {
  const response = await fetch('/simulator/messages?phone=' + encodeURIComponent(from.value));
  if (!response.ok) return;
  const { texts } = await response.json();
  const key = JSON.stringify(texts.map((text) => text.carrierId));
  if (key === shown) return;
  shown = key;
  thread.replaceChildren(...texts.map((text) => {
    const item = document.createElement('li');
    item.className = text.direction;
    for (const file of text.media || []) item.append(mediaOf(file));
    if (text.body !== '') item.append(document.createTextNode(text.body));
    return item;
  }));
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  status.textContent = 'Sending…';
  status.className = '';
  const media = await Promise.all([...attach.files].map(async (file) => ({
    filename: file.name,
    type: file.type,
    data: await readAsBase64(file),
  })));
  if (body.value.trim() === '' && media.length === 0) {
    status.textContent = 'Write a message or attach a picture.';
    status.className = 'error';
    return;
  }
  const response = await fetch('/simulator/inbound', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ from: from.value, body: body.value, ...(media.length > 0 && { media }) }),
  });
  if (response.ok) {
    body.value = '';
    attach.value = '';
    status.textContent = 'Sent.';
  } else {
    const { error } = await response.json();
    status.textContent = error.message;
    status.className = 'error';
  }
  await refresh();
});

from.addEventListener('change', refresh);
setInterval(refresh, 1000);
refresh();
`;
