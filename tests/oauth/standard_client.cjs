// Facebook Login's code exchange through a standard OAuth 2 client library for Node,
// simple-oauth2, with the library's defaults: a POST with a form body and the client
// credentials in an HTTP Basic header (RFC 6749 2.3.1, 4.1.3). Then a Graph read with the token.
//
// Usage: NODE_PATH=... node tests/oauth/standard_client.cjs PATH/TO/instapub
// Run by .ci/run, which installs the pinned library with npm.
const { spawn } = require("node:child_process");
const readline = require("node:readline");
const assert = require("node:assert");
const { AuthorizationCode } = require("simple-oauth2");

async function main() {
  const server = spawn(process.argv[2], ["serve", "--listen", "127.0.0.1:0", "--json", "--db", ":memory:"],
    { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const line = await new Promise((resolve) => readline.createInterface({ input: server.stdout }).once("line", resolve));
    const info = JSON.parse(line);
    const admin = { Authorization: `Bearer ${info.admin_key}`, "Content-Type": "application/json" };
    const minted = await (await fetch(`${info.base_url}/_sandbox/oauth/codes`, {
      method: "POST", headers: admin,
      body: JSON.stringify({ login: "facebook", user_id: info.facebook_user_id }),
    })).json();

    const client = new AuthorizationCode({
      client: { id: info.app_id, secret: info.app_secret },
      auth: {
        tokenHost: info.base_url,
        tokenPath: "/v25.0/oauth/access_token",
        authorizeHost: info.base_url,
        authorizePath: "/www.facebook.com/v25.0/dialog/oauth",
      },
    });
    const url = client.authorizeURL({ redirect_uri: minted.redirect_uri, scope: "instagram_basic", state: "s" });
    assert.ok(url.startsWith(info.base_url), url);
    const token = await client.getToken({ code: minted.code, redirect_uri: minted.redirect_uri });
    assert.ok(token.token.access_token.startsWith("EAA"), JSON.stringify(token.token));
    assert.strictEqual(token.token.token_type, "bearer");

    const log = (await (await fetch(`${info.base_url}/_sandbox/requests`, { headers: admin })).json()).data;
    const exchange = log.find((e) => e.path.endsWith("/oauth/access_token"));
    assert.strictEqual(exchange.method, "POST");
    assert.ok(!exchange.body.includes("client_secret"), "the secret went in HTTP Basic, not the body");

    const me = await (await fetch(`${info.base_url}/v25.0/me?fields=id,name`, {
      headers: { Authorization: `Bearer ${token.token.access_token}` },
    })).json();
    assert.strictEqual(me.id, info.facebook_user_id, JSON.stringify(me));
    console.log("facebook login via simple-oauth2: me", me.id);

    // A used code is refused, and the library raises Graph's error.
    await assert.rejects(client.getToken({ code: minted.code, redirect_uri: minted.redirect_uri }));
    console.log("a spent code refused");
    console.log("ok");
  } finally {
    server.kill();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
