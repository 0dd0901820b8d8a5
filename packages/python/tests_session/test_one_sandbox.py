"""Run with --instapub-scope=session: every test gets the same sandbox (scripts/test-packages)."""

SEEN = []


def test_first(instapub_sandbox):
    SEEN.append(instapub_sandbox.base_url)


def test_second_sees_the_same_sandbox(instapub_sandbox):
    SEEN.append(instapub_sandbox.base_url)
    assert SEEN[0] == SEEN[1]
    assert instapub_sandbox.running
