"""pytest plugin: the fixture `instapub_sandbox`, a fresh sandbox per test.

One sandbox for the whole session instead: `--instapub-scope=session` on the command line, or
`instapub_scope = session` in the ini file. The sandbox stops when its scope ends.

At the end of the session the plugin prints the integration report of every sandbox the
session started, merged (errors met and never met, reactions, permissions);
`--instapub-report=FILE` writes it as JSON (schema `instapub.report/1`).
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List

import pytest

from .report import merge, summary
from .sandbox import Sandbox

_REPORTS = pytest.StashKey[List[Dict[str, Any]]]()

_SCOPES = ("function", "class", "module", "package", "session")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--instapub-scope",
        choices=_SCOPES,
        default=None,
        help="how long one instapub sandbox lives (default: function)",
    )
    parser.addini("instapub_scope", "how long one instapub sandbox lives", default="function")
    parser.addoption(
        "--instapub-report",
        metavar="FILE",
        default=None,
        help="write the session's merged integration report to FILE as JSON",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_REPORTS] = []


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    reports = config.stash.get(_REPORTS, [])
    if not reports:
        return
    report = merge(reports)
    terminalreporter.write_sep("=", "instapub integration report")
    for line in summary(report):
        terminalreporter.write_line(line)
    path = config.getoption("--instapub-report")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2)


def _scope(fixture_name: str, config: pytest.Config) -> str:
    scope = config.getoption("--instapub-scope") or config.getini("instapub_scope") or "function"
    if scope not in _SCOPES:
        raise pytest.UsageError(f"instapub_scope must be one of {', '.join(_SCOPES)}, not {scope!r}")
    return scope


@pytest.fixture(scope=_scope)
def instapub_sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """A running instapub sandbox (see `instapub.Sandbox`), stopped when its scope ends."""
    sandbox = Sandbox()
    try:
        yield sandbox
    finally:
        try:
            # Kept for the session's report; a sandbox that cannot answer has nothing to add.
            request.config.stash[_REPORTS].append(sandbox.report())
        except Exception:  # noqa: BLE001
            pass
        sandbox.stop()
