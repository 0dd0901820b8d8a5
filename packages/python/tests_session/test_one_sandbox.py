"""Run with --instapub-scope=session: every test gets the same sandbox (scripts/test-packages).

Each test records the sandbox it was given and checks that every test so far got that one, so
the tests hold in any order, alone or together (together, the second one run checks the
sharing).
"""

SEEN = set()


def _same_as_the_others(sandbox):
    assert sandbox.running
    SEEN.add(sandbox.base_url)
    assert len(SEEN) == 1, f"tests got different sandboxes: {sorted(SEEN)}"


def test_first(instapub_sandbox):
    _same_as_the_others(instapub_sandbox)


def test_second_sees_the_same_sandbox(instapub_sandbox):
    _same_as_the_others(instapub_sandbox)
