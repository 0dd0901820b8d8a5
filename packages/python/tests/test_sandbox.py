"""The instapub wheel, installed into a fresh virtualenv, through its pytest fixture: Meta's
Python SDK (facebook_business) publishes an image and a reel, meets a staged fault, and the
virtual clock expires a container. Run by scripts/test-packages.

The fixtures' bytes come from INSTAPUB_FIXTURES (the repository's media fixtures folder).
"""

import json
import os
import time
import urllib.request

import pytest

from instapub import Sandbox, SandboxError

FIXTURES = os.environ["INSTAPUB_FIXTURES"]


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


@pytest.fixture
def ig(instapub_sandbox):
    from facebook_business.adobjects.iguser import IGUser
    from facebook_business.api import FacebookAdsApi
    from facebook_business.session import FacebookSession

    FacebookSession.GRAPH = instapub_sandbox.base_url  # the only change: where Graph lives
    FacebookAdsApi.init(access_token=instapub_sandbox.access_token, api_version="v25.0")
    return IGUser(instapub_sandbox.user_id)


def wait_finished(sb, container):
    # Against a deadline, not a count: a loaded machine probes the video more slowly.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        status = json.loads(urllib.request.urlopen(
            f"{sb.graph_url}/{container}?fields=status_code&access_token={sb.access_token}").read())
        if status["status_code"] != "IN_PROGRESS":
            return status["status_code"]
        time.sleep(0.025)
    raise AssertionError("still IN_PROGRESS")


def test_an_image_and_a_reel_publish_through_the_sdk(instapub_sandbox, ig):
    sb = instapub_sandbox
    photo = sb.put_file("photo.jpg", fixture("jpeg_square.jpg"), "image/jpeg")
    container = ig.create_media(params={"image_url": photo, "caption": "from pytest"})
    media = ig.create_media_publish(params={"creation_id": container["id"]})
    assert media["id"].startswith("179")
    video = sb.put_file("reel.mp4", fixture("mp4_reel_valid.mp4"), "video/mp4")
    reel = ig.create_media(params={"media_type": "REELS", "video_url": video})
    assert wait_finished(sb, reel["id"]) == "FINISHED"
    ig.create_media_publish(params={"creation_id": reel["id"]})
    limit = ig.get_content_publishing_limit(fields=["quota_usage"])
    assert limit[0]["quota_usage"] == 2


def test_a_staged_fault_reaches_the_sdk(instapub_sandbox, ig):
    from facebook_business.exceptions import FacebookRequestError

    sb = instapub_sandbox
    photo = sb.put_file("photo.jpg", fixture("jpeg_square.jpg"), "image/jpeg")
    sb.add_fault({"endpoint": "media_publish"}, error={"subcode": 2207001}, times=1)
    container = ig.create_media(params={"image_url": photo})
    with pytest.raises(FacebookRequestError) as failed:
        ig.create_media_publish(params={"creation_id": container["id"]})
    assert failed.value.api_error_subcode() == 2207001
    # Once: the retry goes through.
    ig.create_media_publish(params={"creation_id": container["id"]})
    # The report counts it as met, by a fault rule; a reset starts it afresh.
    met = [e for app in sb.report()["apps"] for e in app["errors_met"]]
    server_error = [e for e in met if e["entry"] == "ServerError"]
    assert server_error and server_error[0]["from_faults"] == 1, met
    sb.reset_report()
    assert not [e for app in sb.report()["apps"] for e in app["errors_met"]]


def test_the_virtual_clock_expires_containers(instapub_sandbox, ig):
    from facebook_business.exceptions import FacebookRequestError

    sb = instapub_sandbox
    photo = sb.put_file("photo.jpg", fixture("jpeg_square.jpg"), "image/jpeg")
    container = ig.create_media(params={"image_url": photo})
    sb.advance_clock(25 * 3600)
    with pytest.raises(FacebookRequestError) as failed:
        ig.create_media_publish(params={"creation_id": container["id"]})
    assert failed.value.api_error_subcode() == 2207020


def test_each_test_gets_a_fresh_sandbox(instapub_sandbox):
    # The earlier tests published; this sandbox has nothing.
    q = json.loads(urllib.request.urlopen(
        f"{instapub_sandbox.graph_url}/{instapub_sandbox.user_id}/content_publishing_limit"
        f"?fields=quota_usage&access_token={instapub_sandbox.access_token}").read())
    assert q["data"][0]["quota_usage"] == 0


def test_login_codes_and_control_plane_refusals(instapub_sandbox):
    sb = instapub_sandbox
    code = sb.oauth_code("instagram")
    assert code["user_id"] == sb.user_id and code["code"]
    assert sb.hosts["graph.instagram.com"] == sb.host_url("graph.instagram.com")
    with pytest.raises(SandboxError, match="username"):
        sb.create_account("not a valid name!")


def test_every_staging_operation_has_a_helper(instapub_sandbox):
    # The same operations as the Rust `Sandbox` and the Node package (the route table names
    # them; crates/sandbox/tests/packages.rs checks every language has each).
    sb = instapub_sandbox
    account = sb.create_account("helpers_py", quota_total=5)
    assert sb.update_account(account["id"], biography="staged")["quota_total"] == 5
    assert [a["username"] for a in sb.list_accounts()][-1] == "helpers_py"
    catalog = sb.create_catalog("Mugs", user_id=account["id"],
                                products=[{"name": "Blue mug", "retailer_id": "mug-1"}])
    assert catalog["products"][0]["retailer_id"] == "mug-1"
    media = sb.create_media("IMAGE", "FEED", user_id=account["id"], caption="seeded")
    assert sb.update_media(media["id"], like_count=7)["like_count"] == 7
    comments = sb.create_comment("nice", media_id=media["id"], replies=[{"text": "thanks"}])
    assert len(comments["ids"]) == 2 and comments["id"] == comments["ids"][0]
    assert sb.create_partnership_code(media["id"])["media_id"] == media["id"]
    app = sb.create_app(["https://example.test/callback"], name="Helper app")
    assert app["app_secret"] and app in sb.list_apps()
    user = sb.create_facebook_user("Ann")
    business = sb.create_business("Studio", user["id"])
    page = sb.create_page("Ann's Page", user["id"], instagram_user_id=account["id"],
                          business_id=business["id"])
    assert page["ig_account_id"] == account["id"] and page["business_id"] == business["id"]
    assert sb.set_app(app_calls_per_hour=500)["app_calls_per_hour"] == 500
    assert sb.app_settings()["media_store"]["used_bytes"] >= 0
    assert sb.advance_clock(60) == sb.now()
    sb.reset()
    assert [a["username"] for a in sb.list_accounts()] == [sb.username]


def test_the_control_types_resolve():
    # The generated TypedDicts name each other; every annotation resolves.
    import typing
    from instapub import control_types
    names = [n for n in dir(control_types) if not n.startswith("_")]
    classes = [getattr(control_types, n) for n in names if isinstance(getattr(control_types, n), type)]
    assert len(classes) > 20
    for cls in classes:
        typing.get_type_hints(cls)


def test_a_sandbox_stops_when_its_block_ends():
    with Sandbox() as sb:
        assert sb.running
        url = sb.base_url
    assert not sb.running
    with pytest.raises(OSError):
        urllib.request.urlopen(url + "/_sandbox/clock", timeout=2)


def test_a_webhook_handler_receives_and_verifies_a_delivery(instapub_sandbox):
    import hashlib
    import hmac
    from instapub import verify_signature

    sb = instapub_sandbox
    hook = sb.webhooks.receiver(["comments", "mentions"])
    made = sb.trigger_webhook("comments", text="Schön @ noon", username="ana.b")
    delivery = hook.wait_for(field="comments")
    assert delivery.verified
    signature = delivery.headers["X-Hub-Signature-256"]
    # An independent HMAC of the raw bytes agrees; the re-serialised JSON does not.
    expected = "sha256=" + hmac.new(sb.app_secret.encode(), delivery.body, hashlib.sha256).hexdigest()
    assert signature == expected
    assert verify_signature(sb.app_secret, delivery.body, signature)
    again = json.dumps(delivery.json()).encode()
    assert not verify_signature(sb.app_secret, again, signature)
    change = delivery.changes[0]
    assert change["value"]["id"] == made["comment_id"]
    assert change["value"]["text"] == "Schön @ noon"
    assert change["value"]["from"]["username"] == "ana.b"
    assert delivery.json()["entry"][0]["id"] == sb.user_id
    # Every attempt is in the log, once its answer is back: the receiver sees the request
    # before the sandbox has read the response, so the log is waited on, not read at once.
    deadline = time.monotonic() + 10
    deliveries = sb.webhook_deliveries()
    while not (deliveries and deliveries[0]["attempts"]) and time.monotonic() < deadline:
        time.sleep(0.02)
        deliveries = sb.webhook_deliveries()
    assert deliveries[0]["attempts"][0]["status"] == 200


def test_the_session_report_is_printed_and_written(tmp_path):
    # A test session of its own, in a subprocess, with the plugin as installed.
    import subprocess
    import sys

    (tmp_path / "test_app.py").write_text(
        "import json, urllib.request, urllib.error\n"
        "def test_asks_for_a_missing_field(instapub_sandbox):\n"
        "    sb = instapub_sandbox\n"
        "    url = f'{sb.base_url}/v25.0/{sb.user_id}?fields=nope&access_token={sb.access_token}'\n"
        "    try:\n"
        "        urllib.request.urlopen(url)\n"
        "    except urllib.error.HTTPError as e:\n"
        "        assert json.loads(e.read())['error']['code'] == 100\n"
    )
    out = tmp_path / "report.json"
    from importlib.metadata import entry_points
    installed = any(ep.name == "instapub" for ep in entry_points(group="pytest11"))
    plugin = [] if installed else ["-p", "instapub.pytest_plugin"]  # a source checkout
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugin,
         str(tmp_path / "test_app.py"), f"--instapub-report={out}"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "instapub integration report" in done.stdout, done.stdout
    report = json.loads(out.read_text())
    assert report["schema"] == "instapub.report/1"
    met = [e["entry"] for app in report["apps"] for e in app["errors_met"]]
    assert "NonexistingField" in met, report
