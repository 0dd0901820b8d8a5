// Receiving the sandbox's webhooks in a test: `verifySignature()` checks a delivery the way a
// handler should (HMAC-SHA256 of the raw body under the app secret, compared in constant time),
// and `Receiver` is a callback on a loopback port that answers Meta's verification request and
// collects deliveries. `sandbox.webhooks.receiver()` starts one and subscribes it.
'use strict';

const crypto = require('crypto');
const http = require('http');

/** The largest delivery a receiver reads (Meta batches up to 1000 changes). */
const MAX_BODY_BYTES = 8 << 20;

/**
 * Whether `header` (X-Hub-Signature-256, "sha256=<hex>") signs `rawBody` (a Buffer or string:
 * the body exactly as it arrived, never a re-serialised JSON value).
 */
function verifySignature(appSecret, rawBody, header) {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(
    'sha256=' + crypto.createHmac('sha256', appSecret).update(rawBody).digest('hex'),
  );
  const given = Buffer.from(header.trim());
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

/** One delivery: its raw `body` (a Buffer), `headers` (lower-case names), `verified`. */
class Delivery {
  constructor(body, headers, appSecret) {
    this.body = body;
    this.headers = headers;
    this.verified = verifySignature(appSecret, body, headers['x-hub-signature-256']);
  }

  json() {
    return JSON.parse(this.body.toString('utf8'));
  }

  /** Every change of every entry: `{field, value}`. */
  get changes() {
    return (this.json().entry || []).flatMap((e) => e.changes || []);
  }

  /** The fields of its changes, in order, each once. */
  get fields() {
    return [...new Set(this.changes.map((c) => c.field))];
  }
}

/** A webhook callback on a loopback port; `start()` resolves once it listens. */
class Receiver {
  constructor(appSecret, { verifyToken, status = 200 } = {}) {
    this.appSecret = appSecret;
    this.verifyToken = verifyToken || crypto.randomBytes(16).toString('hex');
    this.status = status;
    this.deliveries = [];
    this._taken = 0;
    this._waiters = [];
    this._server = http.createServer((req, res) => this._handle(req, res));
  }

  start() {
    return new Promise((resolve, reject) => {
      this._server.once('error', reject);
      this._server.listen(0, '127.0.0.1', () => {
        this.url = `http://127.0.0.1:${this._server.address().port}/webhooks`;
        resolve(this);
      });
    });
  }

  _handle(req, res) {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'GET') {
      const token = url.searchParams.get('hub.verify_token') || '';
      const ok = token === this.verifyToken;
      res.writeHead(ok ? 200 : 403, { 'Content-Type': 'text/plain' });
      res.end(ok ? url.searchParams.get('hub.challenge') || '' : 'forbidden');
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      this.deliveries.push(new Delivery(Buffer.concat(chunks), req.headers, this.appSecret));
      res.writeHead(this.status);
      res.end();
      for (const wake of this._waiters.splice(0)) wake();
    });
  }

  /** The next delivery not returned before (with a change of `field`, if given). */
  async waitFor({ field, timeoutMs = 10000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = this._taken; i < this.deliveries.length; i++) {
        const d = this.deliveries[i];
        if (!field || d.fields.includes(field)) {
          this._taken = i + 1;
          return d;
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const got = this.deliveries.map((d) => d.fields);
        throw new Error(`no delivery of ${field || 'any field'} in ${timeoutMs} ms (got ${JSON.stringify(got)})`);
      }
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this._waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close() {
    return new Promise((resolve) => this._server.close(() => resolve()));
  }
}

/** `sandbox.webhooks`: receivers subscribed to a sandbox. */
class Webhooks {
  constructor(sandbox) {
    this._sandbox = sandbox;
    this._receivers = [];
  }

  /**
   * A receiver subscribed to `fields` (default: every field the sandbox sends) for the demo
   * account; options: `login`, `status` (what it answers deliveries with).
   */
  async receiver(fields, { login, status } = {}) {
    const r = await new Receiver(this._sandbox.appSecret, { status }).start();
    this._receivers.push(r);
    const options = { verify_token: r.verifyToken };
    if (fields) options.fields = fields;
    if (login) options.login = login;
    await this._sandbox.subscribeWebhooks(r.url, options);
    return r;
  }

  async close() {
    await Promise.all(this._receivers.splice(0).map((r) => r.close()));
  }
}

module.exports = { verifySignature, Receiver, Delivery, Webhooks };
