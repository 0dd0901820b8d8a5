"""Facebook Login's code exchange (and Instagram Login's) through a standard OAuth 2 client
library, requests-oauthlib, as an app that knows nothing of instapub would use it: the library's
defaults (a POST with a form body, the client credentials in an HTTP Basic header, RFC 6749
2.3.1 and 4.1.3), then a Graph read through the same session's Bearer header.

Usage: python3 tests/oauth/standard_client.py PATH/TO/instapub
Run by .ci/run, which installs the pinned library with pip.
"""
import json, os, subprocess, sys, urllib.request

# The sandbox listens on plain HTTP on loopback; oauthlib insists on https unless told this.
os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
from requests_oauthlib import OAuth2Session

binary = sys.argv[1]
p = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--json", "--db", ":memory:"],
                     stdout=subprocess.PIPE, text=True)
try:
    info = json.loads(p.stdout.readline())
    base, admin = info["base_url"], info["admin_key"]

    def code(login, user):
        # What the consent page would redirect with, minted on the control plane.
        req = urllib.request.Request(
            f"{base}/_sandbox/oauth/codes", method="POST",
            data=json.dumps({"login": login, "user_id": user}).encode(),
            headers={"Authorization": f"Bearer {admin}", "Content-Type": "application/json"})
        return json.loads(urllib.request.urlopen(req).read())

    # Facebook Login: graph.facebook.com/{version}/oauth/access_token.
    minted = code("facebook", info["facebook_user_id"])
    fb = OAuth2Session(info["app_id"], redirect_uri=minted["redirect_uri"],
                       scope=["instagram_basic", "pages_show_list"])
    url, state = fb.authorization_url(f"{base}/www.facebook.com/v25.0/dialog/oauth")
    assert url.startswith(base) and "client_id=" in url, url
    token = fb.fetch_token(f"{base}/v25.0/oauth/access_token", code=minted["code"],
                           client_secret=info["app_secret"])
    assert token["access_token"].startswith("EAA") and token["token_type"] == "bearer", token
    me = fb.get(f"{base}/v25.0/me", params={"fields": "id,name"}).json()
    assert me["id"] == info["facebook_user_id"], me
    # It was the library's default exchange: a POST, the secret not in the body (HTTP Basic).
    log = json.loads(urllib.request.urlopen(urllib.request.Request(
        f"{base}/_sandbox/requests", headers={"Authorization": f"Bearer {admin}"})).read())["data"]
    exchange = next(e for e in log if e["path"].endswith("/oauth/access_token"))
    assert exchange["method"] == "POST" and "client_secret" not in exchange["body"], exchange
    print("facebook login via requests-oauthlib: token", token["access_token"][:8] + "...", "me", me["id"])

    # The same exchange refused: a wrong secret gets Graph's error, which the library raises.
    minted = code("facebook", info["facebook_user_id"])
    wrong = OAuth2Session(info["app_id"], redirect_uri=minted["redirect_uri"])
    try:
        wrong.fetch_token(f"{base}/v25.0/oauth/access_token", code=minted["code"], client_secret="nope")
        print("FAIL: a wrong client secret was accepted")
        sys.exit(1)
    except Exception as e:  # oauthlib raises its own error types for an error answer
        print("wrong secret refused:", type(e).__name__)

    # Instagram Login: api.instagram.com/oauth/access_token.
    minted = code("instagram", info["user_id"])
    ig = OAuth2Session(info["app_id"], redirect_uri=minted["redirect_uri"])
    token = ig.fetch_token(f"{base}/api.instagram.com/oauth/access_token", code=minted["code"],
                           client_secret=info["app_secret"])
    assert token["access_token"].startswith("IG"), token
    me = ig.get(f"{base}/graph.instagram.com/v25.0/me", params={"fields": "username"}).json()
    assert me["id"] == info["user_id"], me
    print("instagram login via requests-oauthlib: me", me["id"], me.get("username"))
    print("ok")
finally:
    p.terminate()
