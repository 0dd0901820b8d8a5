// instapub for Node: `startSandbox()` starts the bundled `instapub serve` on a free loopback
// port with an in-memory database and returns a handle on it (base URLs per host, the demo
// account's id and token, the admin key) with typed control-plane helpers. The binary comes
// from the platform package `@instapub/<platform>-<arch>` (an optional dependency, the way
// esbuild and biome ship theirs), or from $INSTAPUB_BINARY.
'use strict';

const { spawn } = require('child_process');
const path = require('path');
const fs = require('fs');
const { verifySignature, Receiver, Webhooks } = require('./webhooks');

const EXE = process.platform === 'win32' ? 'instapub.exe' : 'instapub';

/** The instapub binary for this platform. */
function binaryPath() {
  if (process.env.INSTAPUB_BINARY) return process.env.INSTAPUB_BINARY;
  const pkg = `@instapub/${process.platform}-${process.arch}`;
  let dir;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(
      `instapub has no binary for ${process.platform}-${process.arch}: ${pkg} is not installed ` +
        '(reinstall without --no-optional, or set INSTAPUB_BINARY)',
    );
  }
  const binary = path.join(dir, 'bin', EXE);
  if (!fs.existsSync(binary)) throw new Error(`${binary} is missing; reinstall ${pkg}`);
  return binary;
}

/** Every sandbox this process started and has not stopped: stopped when the process exits. */
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

class SandboxError extends Error {}

class Sandbox {
  constructor(child, info) {
    this._child = child;
    this.info = info;
    this.baseUrl = info.base_url;
    this.graphUrl = `${info.base_url}/v25.0`;
    this.userId = info.user_id;
    this.username = info.username;
    this.accessToken = info.access_token;
    this.adminKey = info.admin_key;
    this.appId = info.app_id;
    this.appSecret = info.app_secret;
    this.facebookUserId = info.facebook_user_id;
    this.pageId = info.page_id;
    this.hosts = { ...info.hosts };
    /** Webhook receivers: `await sb.webhooks.receiver()` subscribes one. */
    this.webhooks = new Webhooks(this);
  }

  /** One Meta host's base URL here: `graph.instagram.com` -> `{base}/graph.instagram.com`. */
  hostUrl(host) {
    return `${this.baseUrl}/${host}`;
  }

  get running() {
    return this._child !== null && this._child.exitCode === null && this._child.signalCode === null;
  }

  /** Stops the sandbox (SIGTERM, SIGKILL after 5 s); resolves once it has exited. */
  stop() {
    this.webhooks.close();
    const child = this._child;
    this._child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      if (child) running.delete(child);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(kill);
        running.delete(child);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  /** One control-plane call (`/_sandbox${path}`); its JSON answer. Refusals throw SandboxError. */
  async control(method, path, body, options = {}) {
    const headers = { Authorization: `Bearer ${this.adminKey}` };
    let payload;
    if (options.raw !== undefined) {
      payload = options.raw;
      headers['Content-Type'] = options.contentType || 'application/octet-stream';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
    const r = await fetch(`${this.baseUrl}/_sandbox${path}`, { method, headers, body: payload });
    const text = await r.text();
    const value = text ? JSON.parse(text) : null;
    if (!r.ok) {
      const message = value && value.error ? value.error.message : text;
      throw new SandboxError(`${method} /_sandbox${path}: ${message}`);
    }
    return value;
  }

  createAccount(username, fields = {}) {
    return this.control('POST', '/accounts', { username, ...fields });
  }

  updateAccount(userId, fields) {
    return this.control('PATCH', `/accounts/${userId}`, fields);
  }

  async listAccounts() {
    return (await this.control('GET', '/accounts')).data;
  }

  createCatalog(name, fields = {}) {
    return this.control('POST', '/catalogs', { name, ...fields });
  }

  createMedia(mediaType, mediaProductType, fields = {}) {
    return this.control('POST', '/media', { media_type: mediaType, media_product_type: mediaProductType, ...fields });
  }

  updateMedia(mediaId, fields) {
    return this.control('PATCH', `/media/${mediaId}`, fields);
  }

  createComment(text, fields = {}) {
    return this.control('POST', '/comments', { text, ...fields });
  }

  createPartnershipCode(mediaId, fields = {}) {
    return this.control('POST', '/partnership_ad_codes', { media_id: mediaId, ...fields });
  }

  createApp(redirectUris, fields = {}) {
    return this.control('POST', '/apps', { redirect_uris: redirectUris, ...fields });
  }

  async listApps() {
    return (await this.control('GET', '/apps')).data;
  }

  createFacebookUser(name) {
    return this.control('POST', '/facebook_users', { name });
  }

  createPage(name, adminId, fields = {}) {
    return this.control('POST', '/pages', { name, admin_id: adminId, ...fields });
  }

  createBusiness(name, ownerId) {
    return this.control('POST', '/businesses', { name, owner_id: ownerId });
  }

  appSettings() {
    return this.control('GET', '/app');
  }

  setApp(fields) {
    return this.control('PATCH', '/app', fields);
  }

  async createToken(userId, { permissions, expiresIn } = {}) {
    const body = { user_id: userId };
    if (permissions) body.permissions = permissions;
    if (expiresIn !== undefined) body.expires_in = expiresIn;
    return (await this.control('POST', '/tokens', body)).access_token;
  }

  addFault(match = {}, { error, network, webhook, times, probability, latencyMs } = {}) {
    const body = { match };
    if (error) body.error = error;
    if (network) body.network = network;
    if (webhook) body.webhook = webhook;
    if (times !== undefined) body.times = times;
    if (probability !== undefined) body.probability = probability;
    if (latencyMs !== undefined) body.latency_ms = latencyMs;
    return this.control('POST', '/faults', body);
  }

  async faults() {
    return (await this.control('GET', '/faults')).data;
  }

  removeFault(id) {
    return this.control('DELETE', `/faults/${id}`);
  }

  async advanceClock(seconds) {
    return (await this.control('POST', '/clock/advance', { seconds })).now;
  }

  /** The virtual time in Unix seconds. */
  async now() {
    return (await this.control('GET', '/clock')).now;
  }

  async putFile(name, bytes, contentType = 'application/octet-stream') {
    return (await this.control('PUT', `/files/${name}`, undefined, { raw: bytes, contentType })).url;
  }

  oauthCode(login = 'facebook', userId, fields = {}) {
    const user = userId || (login === 'facebook' ? this.facebookUserId : this.userId);
    return this.control('POST', '/oauth/codes', { login, user_id: user, ...fields });
  }

  /**
   * Subscribes the app to Instagram's webhook fields (default: every field the sandbox sends)
   * and installs it on accounts (default: the demo account), after Meta's verification GET.
   */
  subscribeWebhooks(callbackUrl, options = {}) {
    return this.control('POST', '/webhooks/subscriptions', { callback_url: callbackUrl, ...options });
  }

  async webhookDeliveries() {
    return (await this.control('GET', '/webhooks/deliveries')).data;
  }

  redeliverWebhook(id) {
    return this.control('POST', `/webhooks/deliveries/${id}/redeliver`);
  }

  testWebhook(field, appId) {
    const body = { field };
    if (appId) body.app_id = appId;
    return this.control('POST', '/webhooks/test', body);
  }

  triggerWebhook(field, options = {}) {
    return this.control('POST', '/webhooks/trigger', { field, ...options });
  }

  /** The integration report: errors met and never met, permissions granted against used. */
  report() {
    return this.control('GET', '/report');
  }

  resetReport() {
    return this.control('POST', '/report/reset');
  }

  async requests() {
    return (await this.control('GET', '/requests')).data;
  }

  reset() {
    return this.control('POST', '/reset');
  }
}

/**
 * Starts a sandbox. Options: `binary`, `videoProcessingMs` (default 0: videos are FINISHED as
 * soon as processed), `quotaTotal`, `args` (more `instapub serve` flags), `startTimeoutMs`.
 */
function startSandbox(options = {}) {
  const args = [
    'serve', '--listen', '127.0.0.1:0', '--db', ':memory:', '--json',
    '--video-processing-ms', String(options.videoProcessingMs ?? 0),
  ];
  if (options.quotaTotal !== undefined) args.push('--quota-total', String(options.quotaTotal));
  args.push(...(options.args || []));
  const child = spawn(options.binary || binaryPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const fail = (message) => {
      clearTimeout(timer);
      running.delete(child);
      child.kill('SIGKILL');
      reject(new SandboxError(message));
    };
    const timer = setTimeout(
      () => fail(`instapub serve did not start within ${options.startTimeoutMs ?? 30000} ms: ${err}`),
      options.startTimeoutMs ?? 30000,
    );
    child.once('error', (e) => fail(`cannot run instapub: ${e.message}`));
    child.once('exit', (code) => fail(`instapub serve exited with ${code}: ${err}`));
    child.stderr.on('data', (d) => {
      err += d;
    });
    const onData = (chunk) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline < 0) return;
      child.stdout.off('data', onData);
      child.removeAllListeners('exit');
      child.removeAllListeners('error');
      child.on('error', () => {});
      clearTimeout(timer);
      child.stdout.resume(); // keep draining
      try {
        resolve(new Sandbox(child, JSON.parse(out.slice(0, newline))));
      } catch (e) {
        fail(`instapub serve printed ${out.slice(0, newline)}, not its startup JSON`);
      }
    };
    child.stdout.on('data', onData);
  });
}

module.exports = { startSandbox, binaryPath, Sandbox, SandboxError, verifySignature, Receiver };
