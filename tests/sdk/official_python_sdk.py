"""Publishes an image through Meta's official Python SDK (facebook_business) against an
instapub sandbox, changing nothing but the SDK's base URL (FacebookSession.GRAPH), then reads
it back with the SDK's typed objects (IGMedia, IGComment) and moderates its comments.

Usage: python3 tests/sdk/official_python_sdk.py PATH/TO/instapub FIXTURE.jpg
Run by .ci/run, which installs the pinned SDK with pip.
"""
import json, subprocess, sys, urllib.parse, urllib.request

binary, fixture = sys.argv[1], sys.argv[2]
p = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--json", "--db", ":memory:"], stdout=subprocess.PIPE, text=True)
try:
    info = json.loads(p.stdout.readline())
    base, token, user, admin = info["base_url"], info["access_token"], info["user_id"], info["admin_key"]
    req = urllib.request.Request(f"{base}/_sandbox/files/photo.jpg", data=open(fixture, "rb").read(), method="PUT",
                                 headers={"Authorization": f"Bearer {admin}"})
    photo = json.loads(urllib.request.urlopen(req).read())["url"]

    # Log in the way an app does (Facebook Login for Business): a code (minted on the control
    # plane, as the consent page would), the code exchange, the long-lived exchange, then the
    # Instagram account found through the user's Pages. The SDK publishes with that token.
    def get(path, **query):
        return json.loads(urllib.request.urlopen(f"{base}/v25.0/{path}?{urllib.parse.urlencode(query)}").read())
    code = json.loads(urllib.request.urlopen(urllib.request.Request(
        f"{base}/_sandbox/oauth/codes", method="POST",
        data=json.dumps({"login": "facebook", "user_id": info["facebook_user_id"]}).encode(),
        headers={"Authorization": f"Bearer {admin}", "Content-Type": "application/json"})).read())
    short = get("oauth/access_token", client_id=info["app_id"], client_secret=info["app_secret"],
                redirect_uri=code["redirect_uri"], code=code["code"])["access_token"]
    token = get("oauth/access_token", grant_type="fb_exchange_token", client_id=info["app_id"],
                client_secret=info["app_secret"], fb_exchange_token=short)["access_token"]
    pages = get("me/accounts", fields="id,name,instagram_business_account", access_token=token)["data"]
    user = next(p["instagram_business_account"]["id"] for p in pages if "instagram_business_account" in p)
    print("logged in through Facebook Login; Instagram account", user)

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

    # The read side through the SDK's typed objects: IGMedia, IGComment, insights.
    from facebook_business.adobjects.igmedia import IGMedia
    from facebook_business.adobjects.igcomment import IGComment
    post = IGMedia(media["id"]).api_get(fields=["caption", "media_type", "media_url", "permalink",
                                                "timestamp", "comments_count", "like_count"])
    assert post["caption"] == "from the official SDK" and post["media_type"] == "IMAGE", post
    served = urllib.request.urlopen(post["media_url"]).read()
    assert served == open(fixture, "rb").read(), "media_url serves the published bytes"
    staged = json.dumps({"media_id": media["id"], "username": "fan.one", "text": "nice!",
                         "replies": [{"username": "fan.two", "text": "agreed"}]}).encode()
    urllib.request.urlopen(urllib.request.Request(f"{base}/_sandbox/comments", data=staged, method="POST",
                           headers={"Authorization": f"Bearer {admin}", "Content-Type": "application/json"}))
    mine = IGMedia(media["id"]).create_comment(params={"message": "thanks, everyone"})
    comments = list(IGMedia(media["id"]).get_comments(fields=["text", "username", "like_count", "hidden"]))
    assert all(isinstance(c, IGComment) for c in comments), comments
    assert [c["text"] for c in comments] == ["thanks, everyone", "nice!"], comments
    assert comments[0]["id"] == mine["id"]
    fan = comments[1]
    replies = list(IGComment(fan["id"]).get_replies(fields=["text", "username"]))
    assert [(r["username"], r["text"]) for r in replies] == [("fan.two", "agreed")], replies
    reply = IGComment(fan["id"]).create_reply(params={"message": "glad you like it"})
    IGComment(fan["id"]).api_update(params={"hide": True})
    assert IGComment(fan["id"]).api_get(fields=["hidden"])["hidden"] is True
    IGComment(reply["id"]).api_delete()
    IGMedia(media["id"]).api_update(params={"comment_enabled": False})
    assert IGMedia(media["id"]).api_get(fields=["is_comment_enabled"])["is_comment_enabled"] is False
    insights = list(IGMedia(media["id"]).get_insights(params={"metric": ["likes", "comments", "reach"]}))
    assert [(i["name"], i["values"][0]["value"]) for i in insights] == [("likes", 0), ("comments", 3), ("reach", 0)], insights
    print("read side: media, comments, replies, hide, delete, insights")

    # The SDK's own batch API: one POST /v25.0/ with batch=[...], the token in the query; each
    # answer goes to its request's callback, a failure with Graph's error for that call alone.
    answers, failures = [], []
    batch = api.new_batch()
    IGUser(user).api_get(fields=["username"], batch=batch,
                         success=lambda r: answers.append(r.json()), failure=failures.append)
    IGMedia(media["id"]).api_get(fields=["caption"], batch=batch,
                                 success=lambda r: answers.append(r.json()), failure=failures.append)
    IGMedia("1234").api_get(fields=["caption"], batch=batch,
                            success=lambda r: answers.append(r.json()), failure=failures.append)
    ig.create_media(params={"image_url": photo, "caption": "from a batch"}, batch=batch,
                    success=lambda r: answers.append(r.json()), failure=failures.append)
    left = batch.execute()
    assert left is None, "the SDK was asked to resend operations"
    assert [sorted(a) for a in answers[:2]] == [["id", "username"], ["caption", "id"]], answers
    assert answers[1]["caption"] == "from the official SDK", answers
    assert "id" in answers[2], answers
    assert len(failures) == 1, failures
    error = failures[0].error()
    assert error.api_error_code() == 100 and error.api_error_subcode() == 33, error
    made = json.loads(urllib.request.urlopen(f"{base}/v25.0/{answers[2]['id']}?fields=status_code&access_token={token}").read())
    assert made["status_code"] in ("IN_PROGRESS", "FINISHED"), made
    print("batch: 3 answers and 1 failure, each to its callback")
    print("ok")
finally:
    p.terminate()
