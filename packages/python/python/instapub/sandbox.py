"""`Sandbox`: the bundled `instapub serve` as a Python object.

A sandbox runs as a child process on a free loopback port with an in-memory database (nothing
is written to disk), and stops when `stop()` is called, when the `with` block ends, or when the
interpreter exits. Everything a test stages goes through the control plane over HTTP, the same
operations the Rust `Sandbox` helpers and scenario files use.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import sysconfig
import threading
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence

if TYPE_CHECKING:
    from .control_types import (
        Account, App, AppState, Business, Catalog, Comments, FbUser, Logged, Media,
        MediaActivity, OauthCode, Page, PartnershipCode, Report, Rule, Triggered,
        WebhookDelivery, WebhookSubscription,
    )

from .webhooks import Webhooks

__all__ = ["Sandbox", "SandboxError", "binary_path"]

_EXE = "instapub.exe" if sys.platform == "win32" else "instapub"


class SandboxError(RuntimeError):
    """The sandbox could not start, or the control plane refused a call (the message says why)."""


def binary_path() -> str:
    """The bundled binary: `$INSTAPUB_BINARY`, else the one the wheel installed beside Python."""
    override = os.environ.get("INSTAPUB_BINARY")
    if override:
        return override
    candidates = [
        os.path.join(sysconfig.get_path("scripts"), _EXE),
        os.path.join(os.path.dirname(sys.executable), _EXE),
    ]
    for path in candidates:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    raise SandboxError(
        "the instapub binary is not installed beside this Python "
        f"(looked in {', '.join(candidates)}); reinstall the instapub wheel or set INSTAPUB_BINARY"
    )


class Sandbox:
    """A running sandbox.

    Attributes: `base_url` (graph.facebook.com's stand-in), `graph_url` (with `/v25.0`),
    `user_id` and `username` (the demo Instagram account), `access_token` (its token),
    `admin_key` (the control plane's), `app_id`/`app_secret` (the demo app, any redirect URI),
    `facebook_user_id`, `page_id`, `hosts` (each Meta host's base URL), and `webhooks`
    (`webhooks.receiver()`: a callback on loopback, subscribed, that collects deliveries).
    """

    base_url: str
    graph_url: str
    user_id: str
    username: str
    access_token: str
    admin_key: str
    app_id: str
    app_secret: str
    facebook_user_id: str
    page_id: str
    hosts: Dict[str, str]

    def __init__(
        self,
        *,
        binary: Optional[str] = None,
        video_processing_ms: int = 0,
        quota_total: Optional[int] = None,
        extra_args: Sequence[str] = (),
        start_timeout: float = 30.0,
    ) -> None:
        """Starts a sandbox. `video_processing_ms` is how long videos stay IN_PROGRESS (0: as
        soon as processed, like the Rust harness; `instapub serve` alone waits 3 s)."""
        args = [
            binary or binary_path(),
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--db",
            ":memory:",
            "--json",
            "--video-processing-ms",
            str(video_processing_ms),
        ]
        if quota_total is not None:
            args += ["--quota-total", str(quota_total)]
        args += list(extra_args)
        try:
            self._process: Optional[subprocess.Popen[str]] = subprocess.Popen(
                args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        except OSError as e:
            raise SandboxError(f"cannot run {args[0]}: {e}") from e
        atexit.register(self.stop)
        line = self._first_line(start_timeout)
        try:
            info = json.loads(line)
        except ValueError as e:
            self.stop()
            raise SandboxError(f"instapub serve printed {line!r}, not its startup JSON") from e
        self.info: Dict[str, Any] = info
        self.base_url = info["base_url"]
        self.graph_url = self.base_url + "/v25.0"
        self.user_id = info["user_id"]
        self.username = info["username"]
        self.access_token = info["access_token"]
        self.admin_key = info["admin_key"]
        self.app_id = info["app_id"]
        self.app_secret = info["app_secret"]
        self.facebook_user_id = info["facebook_user_id"]
        self.page_id = info["page_id"]
        self.hosts = dict(info["hosts"])
        self.webhooks = Webhooks(self)
        # Keep draining the pipes: a full pipe would stall the server's logging.
        for stream in (self._process.stdout, self._process.stderr):
            threading.Thread(target=_drain, args=(stream,), daemon=True).start()

    def _first_line(self, timeout: float) -> str:
        process = self._process
        assert process is not None and process.stdout is not None
        box: List[str] = []
        reader = threading.Thread(target=lambda: box.append(process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not box or not box[0]:
            err = ""
            if process.poll() is not None and process.stderr is not None:
                err = process.stderr.read()
            self.stop()
            raise SandboxError(f"instapub serve did not start within {timeout} s: {err.strip()}")
        return box[0]

    # -- lifecycle ---------------------------------------------------------------------------

    def stop(self) -> None:
        """Stops the sandbox (SIGTERM, then SIGKILL after 5 s). Safe to call twice."""
        process, self._process = getattr(self, "_process", None), None
        if process is None:
            return
        hooks = getattr(self, "webhooks", None)
        if hooks is not None:
            hooks.close()
        atexit.unregister(self.stop)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def host_url(self, host: str) -> str:
        """One Meta host's base URL here: `graph.instagram.com` -> `{base}/graph.instagram.com`."""
        return f"{self.base_url}/{host}"

    # -- control plane -----------------------------------------------------------------------

    def control(self, method: str, path: str, body: Any = None, raw: Optional[bytes] = None,
                content_type: str = "application/json") -> Any:
        """One control-plane call (`/_sandbox{path}`); its JSON answer. Refusals raise
        `SandboxError` with the sandbox's message."""
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        request = urllib.request.Request(
            f"{self.base_url}/_sandbox{path}",
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.admin_key}", "Content-Type": content_type},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                return json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            text = e.read().decode("utf-8", "replace")
            try:
                message = json.loads(text)["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = text
            raise SandboxError(f"{method} /_sandbox{path}: {message}") from None

    def create_account(self, username: str, **fields: Any) -> "Account":
        """A new Instagram account (`quota_total`, `restricted`, profile fields...): its `id`
        and a full-permission `access_token`."""
        return self.control("POST", "/accounts", {"username": username, **fields})

    def update_account(self, user_id: str, **fields: Any) -> "Account":
        """Changes an account's flags, quota or profile (`NewAccount`'s fields but `username`)."""
        return self.control("PATCH", f"/accounts/{user_id}", fields)

    def list_accounts(self) -> List["Account"]:
        """Every account, the demo one first."""
        return self.control("GET", "/accounts")["data"]

    def create_catalog(self, name: str, **fields: Any) -> "Catalog":
        """A product catalog (`user_id` or `user`: whose, default the demo account; `products`:
        [{"name", "retailer_id", "review_status"}])."""
        return self.control("POST", "/catalogs", {"name": name, **fields})

    def create_media(self, media_type: str, media_product_type: str, **fields: Any) -> "Media":
        """A media object not published through the API (`caption`, `copyrighted_music`,
        `like_count`, `insights`, `comments`...)."""
        return self.control("POST", "/media", {"media_type": media_type,
                                               "media_product_type": media_product_type, **fields})

    def update_media(self, media_id: str, **fields: Any) -> "MediaActivity":
        """Stages activity on a media: `like_count`, `comment_enabled`, `insights`."""
        return self.control("PATCH", f"/media/{media_id}", fields)

    def create_comment(self, text: str, **fields: Any) -> "Comments":
        """A comment from someone else (`media_id`, or `parent_id` for a reply; `username`,
        `replies`...): the ids created, the comment's first."""
        return self.control("POST", "/comments", {"text": text, **fields})

    def create_partnership_code(self, media_id: str, **fields: Any) -> "PartnershipCode":
        """A partnership ad code for a media (`code`, `expires_in`)."""
        return self.control("POST", "/partnership_ad_codes", {"media_id": media_id, **fields})

    def create_app(self, redirect_uris: Sequence[str], **fields: Any) -> "App":
        """An app (`name`, `app_id`, `app_secret` fixed if given): what a client is configured with."""
        return self.control("POST", "/apps", {"redirect_uris": list(redirect_uris), **fields})

    def list_apps(self) -> List["App"]:
        """Every app, the demo app first."""
        return self.control("GET", "/apps")["data"]

    def create_facebook_user(self, name: str) -> "FbUser":
        return self.control("POST", "/facebook_users", {"name": name})

    def create_page(self, name: str, admin_id: str, **fields: Any) -> "Page":
        """A Page administered by a Facebook user, linked to an Instagram account
        (`instagram_user_id` or `instagram_user`) or not; owned by a Business (`business_id`,
        `client`) or not."""
        return self.control("POST", "/pages", {"name": name, "admin_id": admin_id, **fields})

    def create_business(self, name: str, owner_id: str) -> "Business":
        return self.control("POST", "/businesses", {"name": name, "owner_id": owner_id})

    def app_settings(self) -> "AppState":
        """Call limits, the ads audio-swap switch and the media store's use."""
        return self.control("GET", "/app")

    def set_app(self, **fields: Any) -> "AppState":
        """Changes app settings: `app_calls_per_hour`, `account_calls_per_hour`,
        `ads_audio_swap_enabled`."""
        return self.control("PATCH", "/app", fields)

    def create_token(self, user_id: str, permissions: Optional[List[str]] = None,
                     expires_in: Optional[int] = None) -> str:
        """A token of an account with these permissions (default: all), expiring after
        `expires_in` seconds of the virtual clock if given."""
        body: Dict[str, Any] = {"user_id": user_id}
        if permissions is not None:
            body["permissions"] = permissions
        if expires_in is not None:
            body["expires_in"] = expires_in
        return self.control("POST", "/tokens", body)["access_token"]

    def add_fault(self, match: Optional[Mapping[str, Any]] = None, *, error: Optional[Mapping[str, Any]] = None,
                  network: Optional[str] = None, webhook: Optional[str] = None, times: Optional[int] = None,
                  probability: Optional[float] = None, latency_ms: Optional[int] = None) -> "Rule":
        """A fault rule: `match` ({endpoint, user_id, media_type}), and an `error` ({"subcode":
        2207001} or {"code": 2}), a `network` fault ("reset", "truncate", "slow_body") or latency;
        or a `webhook` fault of deliveries ("duplicate", "out_of_order", "delay", "bad_signature",
        "drop", "timeout"), matched by {field}."""
        body: Dict[str, Any] = {"match": dict(match or {})}
        for key, value in (("error", error), ("network", network), ("webhook", webhook), ("times", times),
                           ("probability", probability), ("latency_ms", latency_ms)):
            if value is not None:
                body[key] = dict(value) if isinstance(value, Mapping) else value
        return self.control("POST", "/faults", body)

    def faults(self) -> List["Rule"]:
        return self.control("GET", "/faults")["data"]

    def remove_fault(self, fault_id: str) -> None:
        self.control("DELETE", f"/faults/{fault_id}")

    def advance_clock(self, seconds: int) -> int:
        """Moves the virtual clock forward; the new virtual time (Unix seconds)."""
        return self.control("POST", "/clock/advance", {"seconds": seconds})["now"]

    def now(self) -> int:
        return self.control("GET", "/clock")["now"]

    def put_file(self, name: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        """Hosts bytes on the sandbox; the URL to give as image_url or video_url."""
        return self.control("PUT", f"/files/{name}", raw=data, content_type=content_type)["url"]

    def oauth_code(self, login: str = "facebook", user_id: Optional[str] = None, **fields: Any) -> "OauthCode":
        """An OAuth code as if the user had consented (`login` "facebook" or "instagram";
        default user: the demo Facebook user or Instagram account): `code`, `redirect_uri`..."""
        if user_id is None:
            user_id = self.facebook_user_id if login == "facebook" else self.user_id
        return self.control("POST", "/oauth/codes", {"login": login, "user_id": user_id, **fields})

    def subscribe_webhooks(self, callback_url: str, fields: Optional[Sequence[str]] = None, *,
                           verify_token: Optional[str] = None, include_values: Optional[bool] = None,
                           app_id: Optional[str] = None, accounts: Optional[Sequence[str]] = None,
                           login: Optional[str] = None) -> "WebhookSubscription":
        """Subscribes the app to Instagram's webhook fields (default: every field the sandbox
        sends) and installs it on `accounts` (default: the demo account), after Meta's
        verification GET to `callback_url`, which must answer with `hub.challenge`."""
        body: Dict[str, Any] = {"callback_url": callback_url}
        for key, value in (("fields", list(fields) if fields is not None else None),
                           ("verify_token", verify_token), ("include_values", include_values),
                           ("app_id", app_id), ("accounts", list(accounts) if accounts is not None else None),
                           ("login", login)):
            if value is not None:
                body[key] = value
        return self.control("POST", "/webhooks/subscriptions", body)

    def webhook_deliveries(self) -> List["WebhookDelivery"]:
        """Recent webhook deliveries, newest first, each with its attempts."""
        return self.control("GET", "/webhooks/deliveries")["data"]

    def redeliver_webhook(self, delivery_id: str) -> "WebhookDelivery":
        """Sends a delivery's body again, as a new delivery."""
        return self.control("POST", f"/webhooks/deliveries/{delivery_id}/redeliver")

    def test_webhook(self, field: str, app_id: Optional[str] = None) -> "WebhookDelivery":
        """The App Dashboard's Test button: a sample of `field` in its own shape."""
        body: Dict[str, Any] = {"field": field}
        if app_id is not None:
            body["app_id"] = app_id
        return self.control("POST", "/webhooks/test", body)

    def trigger_webhook(self, field: str, *, media_id: Optional[str] = None, text: Optional[str] = None,
                        username: Optional[str] = None, account: Optional[str] = None) -> "Triggered":
        """Makes an event happen from real state: "comments", "live_comments", "mentions" or
        "story_insights"."""
        body: Dict[str, Any] = {"field": field}
        for key, value in (("media_id", media_id), ("text", text), ("username", username),
                           ("account", account)):
            if value is not None:
                body[key] = value
        return self.control("POST", "/webhooks/trigger", body)

    def report(self) -> "Report":
        """The integration report: per app, the catalog errors met and never met (with the
        fault rule for each), and the scopes granted against the permissions calls needed."""
        return self.control("GET", "/report")

    def reset_report(self) -> None:
        """Starts the report afresh (the state and the request log are kept)."""
        self.control("POST", "/report/reset")

    def requests(self) -> List["Logged"]:
        """The recent Graph requests and their answers (tokens masked)."""
        return self.control("GET", "/requests")["data"]

    def reset(self) -> None:
        """Back to the first-start state."""
        self.control("POST", "/reset")


def _drain(stream: Any) -> None:
    try:
        for _ in stream:
            pass
    except (OSError, ValueError):
        pass
