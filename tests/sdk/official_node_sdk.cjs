// Logs in through Facebook Login (code exchange, long-lived token, /me/accounts) against an
// instapub sandbox, then publishes an image through Meta's official Node SDK
// (facebook-nodejs-business-sdk) with that token, changing nothing but where the SDK sends its
// calls: `FacebookAdsApi.GRAPH` is a static getter with no option, so it is redefined.
//
// Usage: node tests/sdk/official_node_sdk.cjs PATH/TO/instapub FIXTURE.jpg
// Run by .ci/run, which installs the pinned SDK with npm into a temporary folder (NODE_PATH).
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const readline = require('readline');
const assert = require('assert');

const [binary, fixture] = process.argv.slice(2);

async function main() {
  const server = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--json', '--db', ':memory:'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const line = await new Promise((resolve, reject) => {
      readline.createInterface({ input: server.stdout }).once('line', resolve);
      server.once('exit', (code) => reject(new Error(`instapub exited with ${code}`)));
    });
    const info = JSON.parse(line);
    const base = info.base_url;
    const admin = { Authorization: `Bearer ${info.admin_key}` };
    const getJson = async (path, query) => {
      const r = await fetch(`${base}/v25.0/${path}?${new URLSearchParams(query)}`);
      const body = await r.json();
      assert.ok(r.ok, JSON.stringify(body));
      return body;
    };

    // The image the sandbox hosts for itself.
    const put = await fetch(`${base}/_sandbox/files/photo.jpg`, {
      method: 'PUT',
      headers: admin,
      body: fs.readFileSync(fixture),
    });
    const photo = (await put.json()).url;

    // Facebook Login: code (what the consent page would redirect with), exchange, long-lived.
    const code = await (
      await fetch(`${base}/_sandbox/oauth/codes`, {
        method: 'POST',
        headers: { ...admin, 'Content-Type': 'application/json' },
        body: JSON.stringify({ login: 'facebook', user_id: info.facebook_user_id }),
      })
    ).json();
    const short = await getJson('oauth/access_token', {
      client_id: info.app_id,
      client_secret: info.app_secret,
      redirect_uri: code.redirect_uri,
      code: code.code,
    });
    const long = await getJson('oauth/access_token', {
      grant_type: 'fb_exchange_token',
      client_id: info.app_id,
      client_secret: info.app_secret,
      fb_exchange_token: short.access_token,
    });
    const token = long.access_token;
    const pages = await getJson('me/accounts', { fields: 'id,name,instagram_business_account', access_token: token });
    const user = pages.data.find((p) => p.instagram_business_account).instagram_business_account.id;
    console.log('logged in through Facebook Login; Instagram account', user);

    const sdk = require('facebook-nodejs-business-sdk');
    Object.defineProperty(sdk.FacebookAdsApi, 'GRAPH', { get: () => base });
    sdk.FacebookAdsApi.init(token, 'en_US', false); // false: no crash reports to /{app}/instruments
    const ig = new sdk.IGUser(user);
    const container = await ig.createMedia([], { image_url: photo, caption: 'from the official Node SDK' });
    console.log('container', container.id);
    const media = await ig.createMediaPublish([], { creation_id: container.id });
    console.log('media', media.id);
    try {
      await ig.createMediaPublish([], { creation_id: container.id });
      throw new Error('FAIL: second publish succeeded');
    } catch (e) {
      assert.strictEqual(e.name, 'FacebookRequestError', String(e)); // the class is not exported
      console.log('second publish:', e.response.code, e.response.error_subcode, e.response.message);
      assert.strictEqual(e.response.code, 24);
      assert.strictEqual(e.response.error_subcode, 2207008);
    }
    const read = await new sdk.IGMedia(media.id).get(['caption', 'permalink', 'media_url']);
    assert.strictEqual(read.caption, 'from the official Node SDK');
    const served = Buffer.from(await (await fetch(read.media_url)).arrayBuffer());
    assert.ok(served.equals(fs.readFileSync(fixture)), 'media_url serves the published bytes');
    console.log('permalink', read.permalink);
    console.log('ok');
  } finally {
    server.kill('SIGTERM');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
