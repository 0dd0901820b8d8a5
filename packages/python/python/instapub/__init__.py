"""instapub: a local, stateful emulator of Instagram's Graph API for tests.

`Sandbox` starts the bundled `instapub serve` on a free port with an in-memory database and
drives its control plane; the pytest plugin (`instapub.pytest_plugin`) gives the fixture
`instapub_sandbox`; `verify_signature()` and `Sandbox.webhooks.receiver()` test webhook
handlers.
"""

from .sandbox import Sandbox, SandboxError, binary_path
from .webhooks import Receiver, verify_signature

__all__ = ["Sandbox", "SandboxError", "binary_path", "Receiver", "verify_signature"]
