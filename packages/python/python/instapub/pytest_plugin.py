"""pytest plugin: the fixture `instapub_sandbox`, a fresh sandbox per test.

One sandbox for the whole session instead: `--instapub-scope=session` on the command line, or
`instapub_scope = session` in the ini file. The sandbox stops when its scope ends.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from .sandbox import Sandbox

_SCOPES = ("function", "class", "module", "package", "session")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--instapub-scope",
        choices=_SCOPES,
        default=None,
        help="how long one instapub sandbox lives (default: function)",
    )
    parser.addini("instapub_scope", "how long one instapub sandbox lives", default="function")


def _scope(fixture_name: str, config: pytest.Config) -> str:
    scope = config.getoption("--instapub-scope") or config.getini("instapub_scope") or "function"
    if scope not in _SCOPES:
        raise pytest.UsageError(f"instapub_scope must be one of {', '.join(_SCOPES)}, not {scope!r}")
    return scope


@pytest.fixture(scope=_scope)
def instapub_sandbox() -> Iterator[Sandbox]:
    """A running instapub sandbox (see `instapub.Sandbox`), stopped when its scope ends."""
    sandbox = Sandbox()
    try:
        yield sandbox
    finally:
        sandbox.stop()
