// The dashboard's only script: control-plane calls from buttons and forms (the admin cookie
// authenticates them), live updates from /_sandbox/ui/events, and the catalog's search box.
'use strict';

// Script errors are kept where the browser tests can read them.
window.__errors = [];
window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => window.__errors.push(String(e.reason)));

async function control(method, path, body) {
  const r = await fetch('/_sandbox' + path, {
    method,
    // The header tells the control plane this call is the dashboard's own (CSRF guard).
    headers: body === undefined
      ? { 'X-Instapub-Dashboard': '1' }
      : { 'Content-Type': 'application/json', 'X-Instapub-Dashboard': '1' },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const text = await r.text();
  const value = text ? JSON.parse(text) : null;
  if (!r.ok) throw new Error(value && value.error ? value.error.message : text);
  return value;
}

function say(message, bad) {
  const box = document.getElementById('notice');
  if (!box) return;
  box.textContent = message;
  box.className = bad ? 'status-bad' : 'status-ok';
}

document.addEventListener('click', async (event) => {
  const button = event.target.closest('[data-advance]');
  if (button) {
    try {
      await control('POST', '/clock/advance', { seconds: Number(button.dataset.advance) });
      location.reload();
    } catch (e) {
      say(e.message, true);
    }
  }
  const mint = event.target.closest('[data-mint-token]');
  if (mint) {
    const t = await control('POST', '/tokens', { user_id: mint.dataset.mintToken });
    say('Token for ' + t.user_id + ': ' + t.access_token);
  }
  const oauth = event.target.closest('[data-oauth-user]');
  if (oauth) {
    const c = await control('POST', '/oauth/codes', { login: 'instagram', user_id: oauth.dataset.oauthUser });
    say('Instagram Login code (exchange within 10 minutes, redirect_uri ' + c.redirect_uri + '): ' + c.code);
  }
  if (event.target.closest('[data-reset]') && confirm('Reset the sandbox to its first-start state?')) {
    await control('POST', '/reset');
    location.reload();
  }
  const redeliver = event.target.closest('[data-redeliver]');
  if (redeliver) {
    try {
      const d = await control('POST', '/webhooks/deliveries/' + redeliver.dataset.redeliver + '/redeliver');
      say('Redelivered as #' + d.id + '.');
      setTimeout(() => location.reload(), 600);
    } catch (e) {
      say(e.message, true);
    }
  }
  const remove = event.target.closest('[data-remove-fault]');
  if (remove) {
    await control('DELETE', '/faults/' + remove.dataset.removeFault);
    location.reload();
  }
});

document.addEventListener('submit', async (event) => {
  const form = event.target;
  if (form.dataset.control) {
    event.preventDefault();
    const [method, path] = form.dataset.control.split(' ');
    const body = {};
    for (const field of form.elements) {
      if (!field.name) continue;
      if (field.type === 'checkbox') body[field.name] = field.checked;
      else if (field.type === 'number' && field.value !== '') body[field.name] = Number(field.value);
      else if (field.value !== '') body[field.name] = field.value;
    }
    try {
      const done = await control(method, path, body);
      say('Done: ' + JSON.stringify(done));
      if (form.dataset.reload) setTimeout(() => location.reload(), 400);
    } catch (e) {
      say(e.message, true);
    }
    return;
  }
  if (form.id === 'webhook-form') {
    event.preventDefault();
    const body = { callback_url: form.callback_url.value, login: form.login.value };
    body.fields = [...form.querySelectorAll('input[name=field]:checked')].map((f) => f.value);
    if (form.verify_token.value) body.verify_token = form.verify_token.value;
    try {
      const s = await control('POST', '/webhooks/subscriptions', body);
      say('Subscribed: the callback answered the verification request; ' + s.fields.length + ' fields.');
      setTimeout(() => location.reload(), 600);
    } catch (e) {
      say(e.message, true);
    }
    return;
  }
  if (form.id === 'advance-form') {
    event.preventDefault();
    try {
      await control('POST', '/clock/advance', { seconds: Number(form.seconds.value) });
      location.reload();
    } catch (e) {
      say(e.message, true);
    }
  }
  if (form.id === 'fault-form') {
    event.preventDefault();
    const [code, subcode] = form.error.value.split('/');
    const rule = { match: {} };
    if (form.network.value) rule.network = form.network.value;
    else rule.error = subcode ? { subcode: Number(subcode) } : { code: Number(code) };
    if (form.endpoint.value) rule.match.endpoint = form.endpoint.value;
    if (form.times.value) rule.times = Number(form.times.value);
    try {
      const added = await control('POST', '/faults', rule);
      say('Fault ' + added.id + ' added: the next matching call fails with it.');
      setTimeout(() => location.reload(), 400);
    } catch (e) {
      say(e.message, true);
    }
  }
});

// Live: new requests are prepended to the inspector; the phone grid and the timeline
// refresh themselves when a request could have changed them.
const live = document.querySelector('[data-live]');
if (live) {
  const source = new EventSource('/_sandbox/ui/events?after=' + (live.dataset.after || '0'));
  source.addEventListener('request', (event) => {
    const entry = JSON.parse(event.data);
    if (live.dataset.live === 'requests') {
      const rows = document.getElementById('requests-body');
      if (rows) rows.insertAdjacentHTML('afterbegin', entry.html);
      const count = document.getElementById('request-count');
      if (count) count.textContent = String(Number(count.textContent) + 1);
    } else if (entry.method !== 'GET') {
      fetch(live.dataset.refresh, { credentials: 'same-origin' })
        .then((r) => r.text())
        .then((html) => {
          live.innerHTML = html;
        });
    }
  });
}

const search = document.getElementById('catalog-search');
if (search) {
  search.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase();
    for (const row of document.querySelectorAll('#catalog-body tr')) {
      row.hidden = q !== '' && !row.textContent.toLowerCase().includes(q);
    }
  });
}
