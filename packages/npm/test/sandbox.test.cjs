// The instapub npm package, installed into a temporary project, through node:test: Meta's Node
// SDK (facebook-nodejs-business-sdk) publishes an image and a reel, meets a staged fault, and
// the virtual clock expires a container. Run by scripts/test-packages (INSTAPUB_FIXTURES is
// the repository's media fixtures folder).
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { startSandbox, SandboxError } = require('instapub');
const sdk = require('facebook-nodejs-business-sdk');

const fixture = (name) => fs.readFileSync(path.join(process.env.INSTAPUB_FIXTURES, name));

let sb;
let ig;
before(async () => {
  sb = await startSandbox();
  Object.defineProperty(sdk.FacebookAdsApi, 'GRAPH', { get: () => sb.baseUrl, configurable: true });
  sdk.FacebookAdsApi.init(sb.accessToken, 'en_US', false);
  ig = new sdk.IGUser(sb.userId);
});
after(() => sb.stop());

async function statusOf(container) {
  const r = await fetch(`${sb.graphUrl}/${container}?fields=status_code&access_token=${sb.accessToken}`);
  return (await r.json()).status_code;
}

test('an image and a reel publish through the SDK', async () => {
  const photo = await sb.putFile('photo.jpg', fixture('jpeg_square.jpg'), 'image/jpeg');
  const container = await ig.createMedia([], { image_url: photo, caption: 'from node:test' });
  const media = await ig.createMediaPublish([], { creation_id: container.id });
  assert.match(media.id, /^179/);
  const video = await sb.putFile('reel.mp4', fixture('mp4_reel_valid.mp4'), 'video/mp4');
  const reel = await ig.createMedia([], { media_type: 'REELS', video_url: video });
  // The sandbox fetches and probes the video in the background: poll for it against a
  // deadline, not a count, so a loaded machine is given the time it needs.
  let status = await statusOf(reel.id);
  for (const deadline = Date.now() + 20000; status === 'IN_PROGRESS' && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    status = await statusOf(reel.id);
  }
  assert.strictEqual(status, 'FINISHED');
  await ig.createMediaPublish([], { creation_id: reel.id });
});

test('a staged fault reaches the SDK, once', async () => {
  const photo = await sb.putFile('photo.jpg', fixture('jpeg_square.jpg'), 'image/jpeg');
  await sb.addFault({ endpoint: 'media_publish' }, { error: { subcode: 2207001 }, times: 1 });
  const container = await ig.createMedia([], { image_url: photo });
  await assert.rejects(ig.createMediaPublish([], { creation_id: container.id }), (e) => {
    assert.strictEqual(e.name, 'FacebookRequestError');
    assert.strictEqual(e.response.error_subcode, 2207001);
    return true;
  });
  await ig.createMediaPublish([], { creation_id: container.id });
  // The report counts it as met, by a fault rule; a reset starts it afresh.
  const met = (await sb.report()).apps.flatMap((a) => a.errors_met);
  const serverError = met.find((e) => e.entry === 'ServerError');
  assert.strictEqual(serverError.from_faults, 1);
  await sb.resetReport();
  assert.deepStrictEqual((await sb.report()).apps.flatMap((a) => a.errors_met), []);
});

test('the virtual clock expires containers', async () => {
  const photo = await sb.putFile('photo.jpg', fixture('jpeg_square.jpg'), 'image/jpeg');
  const container = await ig.createMedia([], { image_url: photo });
  await sb.advanceClock(25 * 3600);
  await assert.rejects(ig.createMediaPublish([], { creation_id: container.id }), (e) => {
    assert.strictEqual(e.response.error_subcode, 2207020);
    return true;
  });
});

test('login codes, hosts and control-plane refusals', async () => {
  const code = await sb.oauthCode('instagram');
  assert.strictEqual(code.user_id, sb.userId);
  assert.strictEqual(sb.hosts['graph.instagram.com'], sb.hostUrl('graph.instagram.com'));
  await assert.rejects(sb.createAccount('not a valid name!'), SandboxError);
});

test('every staging operation has a helper', async () => {
  // The same operations as the Rust Sandbox and the Python package (the route table names
  // them; crates/sandbox/tests/packages.rs checks every language has each).
  const account = await sb.createAccount('helpers_node', { quota_total: 5 });
  assert.strictEqual((await sb.updateAccount(account.id, { biography: 'staged' })).quota_total, 5);
  assert.strictEqual((await sb.listAccounts()).at(-1).username, 'helpers_node');
  const catalog = await sb.createCatalog('Mugs', { user_id: account.id, products: [{ name: 'Blue mug', retailer_id: 'mug-1' }] });
  assert.strictEqual(catalog.products[0].retailer_id, 'mug-1');
  const media = await sb.createMedia('IMAGE', 'FEED', { user_id: account.id, caption: 'seeded' });
  assert.strictEqual((await sb.updateMedia(media.id, { like_count: 7 })).like_count, 7);
  const comments = await sb.createComment('nice', { media_id: media.id, replies: [{ text: 'thanks' }] });
  assert.strictEqual(comments.ids.length, 2);
  assert.strictEqual((await sb.createPartnershipCode(media.id)).media_id, media.id);
  const app = await sb.createApp(['https://example.test/callback'], { name: 'Helper app' });
  assert.ok((await sb.listApps()).some((a) => a.app_id === app.app_id));
  const user = await sb.createFacebookUser('Ann');
  const business = await sb.createBusiness('Studio', user.id);
  const page = await sb.createPage("Ann's Page", user.id, { instagram_user_id: account.id, business_id: business.id });
  assert.strictEqual(page.ig_account_id, account.id);
  assert.strictEqual((await sb.setApp({ app_calls_per_hour: 500 })).app_calls_per_hour, 500);
  assert.ok((await sb.appSettings()).media_store.used_bytes >= 0);
  assert.strictEqual(await sb.advanceClock(60), await sb.now());
  await sb.reset();
  assert.deepStrictEqual((await sb.listAccounts()).map((a) => a.username), [sb.username]);
});

test('a second sandbox is independent and stops', async () => {
  const other = await startSandbox();
  assert.notStrictEqual(other.baseUrl, sb.baseUrl);
  assert.ok(other.running);
  await other.stop();
  assert.ok(!other.running);
  await assert.rejects(fetch(`${other.baseUrl}/_sandbox/clock`));
});

test('a webhook handler receives and verifies a delivery', async () => {
  const crypto = require('node:crypto');
  const { verifySignature } = require('instapub');
  const hook = await sb.webhooks.receiver(['comments', 'mentions']);
  const made = await sb.triggerWebhook('comments', { text: 'Schön @ noon', username: 'ana.b' });
  const delivery = await hook.waitFor({ field: 'comments' });
  assert.ok(delivery.verified);
  const signature = delivery.headers['x-hub-signature-256'];
  // An independent HMAC of the raw bytes agrees; the re-serialised JSON does not.
  const expected = 'sha256=' + crypto.createHmac('sha256', sb.appSecret).update(delivery.body).digest('hex');
  assert.strictEqual(signature, expected);
  assert.ok(verifySignature(sb.appSecret, delivery.body, signature));
  assert.ok(!verifySignature(sb.appSecret, JSON.stringify(delivery.json()), signature));
  const change = delivery.changes[0];
  assert.strictEqual(change.value.id, made.comment_id);
  assert.strictEqual(change.value.text, 'Schön @ noon');
  assert.strictEqual(delivery.json().entry[0].id, sb.userId);
  // The attempt is logged once its answer is back, after the receiver saw the request.
  const deadline = Date.now() + 10000;
  let deliveries = await sb.webhookDeliveries();
  while (!(deliveries.length && deliveries[0].attempts.length) && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 20));
    deliveries = await sb.webhookDeliveries();
  }
  assert.strictEqual(deliveries[0].attempts[0].status, 200);
});
