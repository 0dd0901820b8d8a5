"""Receiving the sandbox's webhooks in a test: `verify_signature()` checks a delivery the way
your handler should (HMAC-SHA256 of the raw body under the app secret, compared in constant
time), and `Receiver` is a callback on a loopback port that answers Meta's verification
request and collects deliveries, so a test of a webhook handler is a few lines::

    def test_my_handler(instapub_sandbox):
        hook = instapub_sandbox.webhooks.receiver()
        instapub_sandbox.trigger_webhook("comments", text="Love it")
        delivery = hook.wait_for(field="comments")
        assert delivery.verified
        my_handler(delivery.body, delivery.headers["X-Hub-Signature-256"])
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Union
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from .sandbox import Sandbox

__all__ = ["verify_signature", "Delivery", "Receiver", "Webhooks"]

# The largest delivery the receiver reads (Meta batches up to 1000 changes).
MAX_BODY_BYTES = 8 << 20


def verify_signature(app_secret: Union[str, bytes], raw_body: bytes, header: Optional[str]) -> bool:
    """Whether `header` (X-Hub-Signature-256, "sha256=<hex>") signs `raw_body`, the request
    body exactly as it arrived: a body parsed and serialised again is other bytes (Meta escapes
    non-ASCII, "/" and "@"), and fails."""
    if not header or not header.startswith("sha256="):
        return False
    key = app_secret.encode() if isinstance(app_secret, str) else app_secret
    expected = "sha256=" + hmac.new(key, raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.strip())


class Delivery:
    """One delivery a `Receiver` got: the raw `body`, its `headers` (names in any case), and
    `verified` (its signature checked with the app secret)."""

    def __init__(self, body: bytes, headers: "Message", app_secret: str) -> None:
        self.body = body
        self.headers = headers
        self.verified = verify_signature(app_secret, body, headers.get("X-Hub-Signature-256"))

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def fields(self) -> List[str]:
        """The fields of its changes, in order, each once."""
        out: List[str] = []
        for entry in self.json().get("entry", []):
            for change in entry.get("changes", []):
                if change.get("field") not in out:
                    out.append(change.get("field"))
        return out

    @property
    def changes(self) -> List[Dict[str, Any]]:
        """Every change of every entry: `{"field": ..., "value": ...}`."""
        return [c for e in self.json().get("entry", []) for c in e.get("changes", [])]


class Receiver:
    """A webhook callback on a loopback port: answers Meta's verification request (when
    `hub.verify_token` matches), collects deliveries, answers them with `status`."""

    def __init__(self, app_secret: str, verify_token: Optional[str] = None, status: int = 200) -> None:
        self.app_secret = app_secret
        self.verify_token = verify_token or secrets.token_hex(16)
        self.status = status
        self.deliveries: List[Delivery] = []
        self._taken = 0
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                query = parse_qs(urlsplit(self.path).query)
                token = query.get("hub.verify_token", [""])[0]
                challenge = query.get("hub.challenge", [""])[0]
                ok = hmac.compare_digest(token, receiver.verify_token)
                self.send_response(200 if ok else 403)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write((challenge if ok else "forbidden").encode())

            def do_POST(self) -> None:  # noqa: N802
                length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY_BYTES)
                body = self.rfile.read(length)
                delivery = Delivery(body, self.headers, receiver.app_secret)
                with receiver._arrived:
                    receiver.deliveries.append(delivery)
                    receiver._arrived.notify_all()
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/webhooks"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def wait_for(self, field: Optional[str] = None, timeout: float = 10.0) -> Delivery:
        """The next delivery not returned before (with a change of `field`, if given)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for i in range(self._taken, len(self.deliveries)):
                    d = self.deliveries[i]
                    if field is None or field in d.fields:
                        self._taken = i + 1
                        return d
                left = deadline - time.monotonic()
                if left <= 0:
                    got = [d.fields for d in self.deliveries]
                    raise TimeoutError(f"no delivery of {field or 'any field'} in {timeout} s (got {got})")
                self._arrived.wait(left)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class Webhooks:
    """`sandbox.webhooks`: receivers subscribed to the sandbox."""

    def __init__(self, sandbox: "Sandbox") -> None:
        self._sandbox = sandbox
        self._receivers: List[Receiver] = []

    def receiver(self, fields: Optional[Sequence[str]] = None, *, login: Optional[str] = None,
                 status: int = 200) -> Receiver:
        """A receiver, subscribed to `fields` (default: every field the sandbox sends) for
        the demo account; it answers deliveries with `status`."""
        r = Receiver(self._sandbox.app_secret, status=status)
        self._receivers.append(r)
        self._sandbox.subscribe_webhooks(r.url, fields, verify_token=r.verify_token, login=login)
        return r

    def close(self) -> None:
        for r in self._receivers:
            r.close()
        self._receivers.clear()
