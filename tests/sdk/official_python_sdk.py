"""Publishes an image through Meta's official Python SDK (facebook_business) against an
instapub sandbox, changing nothing but the SDK's base URL (FacebookSession.GRAPH).

Usage: python3 tests/sdk/official_python_sdk.py PATH/TO/instapub FIXTURE.jpg
Run by .ci/run, which installs the pinned SDK with pip.
"""
import json, subprocess, sys, urllib.request

binary, fixture = sys.argv[1], sys.argv[2]
p = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--json", "--db", ":memory:"], stdout=subprocess.PIPE, text=True)
try:
    info = json.loads(p.stdout.readline())
    base, token, user, admin = info["base_url"], info["access_token"], info["user_id"], info["admin_key"]
    req = urllib.request.Request(f"{base}/_sandbox/files/photo.jpg", data=open(fixture, "rb").read(), method="PUT",
                                 headers={"Authorization": f"Bearer {admin}"})
    photo = json.loads(urllib.request.urlopen(req).read())["url"]

    from facebook_business.api import FacebookAdsApi, FacebookRequest, FacebookRequestError
    from facebook_business.adobjects.iguser import IGUser
    from facebook_business.session import FacebookSession
    FacebookSession.GRAPH = base          # the only change: where Graph lives
    api = FacebookAdsApi.init(access_token=token, api_version="v25.0")
    ig = IGUser(user)
    container = ig.create_media(params={"image_url": photo, "caption": "from the official SDK"})
    print("container", container["id"])
    media = ig.create_media_publish(params={"creation_id": container["id"]})
    print("media", media["id"])
    try:
        ig.create_media_publish(params={"creation_id": container["id"]})
        print("FAIL: second publish succeeded")
        sys.exit(1)
    except FacebookRequestError as e:
        print("second publish:", e.api_error_code(), e.api_error_subcode(), e.api_error_message())
        assert e.api_error_code() == 24 and e.api_error_subcode() == 2207008
    limit = ig.get_content_publishing_limit(fields=["quota_usage", "config"])
    print("limit", limit[0]["quota_usage"], limit[0]["config"])
    print("ok")
finally:
    p.terminate()
