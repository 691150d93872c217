"""A node with a long backlog still pulls: revocations and new staff reach the office while the
outbox drains, not only once it is empty."""

import pytest

from adminduk.sync import outbox
from adminduk.sync.models import NodeState, OutboxPacket

pytestmark = pytest.mark.django_db(transaction=True)


def pending() -> int:
    return OutboxPacket.objects.filter(state=OutboxPacket.State.PENDING).count()


def test_new_staff_reach_the_node_while_the_backlog_drains(node, make_staff):
    for _ in range(8):
        outbox.enqueue(node.packet())
    node.client.batch_packets = 1  # a bad link: one packet per batch, a long drain
    seen = []
    hired = {}

    def before(request):
        kind = "push" if request.url.path.endswith("/push") else "pull"
        seen.append((kind, pending(), list(NodeState.objects.get().synced_usernames)))
        if kind == "push" and len([s for s in seen if s[0] == "push"]) == 2:
            # At the central, mid-drain: a new operator for this office.
            hired["user"] = make_staff("kecamatan_operator", offices=("72.71.08",), certified=("recording",)).username

    node.transport.before = before
    outcome = node.client.sync(pull_every=0)
    assert outcome.pushed.delivered == 8 and pending() == 0
    assert outcome.interleaved_pulls >= 7
    pulls_mid_drain = [s for s in seen if s[0] == "pull" and s[1] > 0]
    assert pulls_mid_drain, seen
    # The operator hired after the second batch was on the node while packets were still waiting.
    assert any(hired["user"] in usernames and backlog > 0 for _, backlog, usernames in seen), seen


def test_pulls_between_batches_follow_the_interval(node):
    for _ in range(5):
        outbox.enqueue(node.packet())
    node.client.batch_packets = 1
    clock = iter(range(0, 10_000, 25))  # each look at the clock: 25 s later
    node.client.monotonic = lambda: float(next(clock))
    requests = []
    node.transport.before = lambda request: requests.append("push" if request.url.path.endswith("/push") else "pull")
    outcome = node.client.sync(pull_every=60)
    assert outcome.pushed.delivered == 5
    # 25 s, 50 s: push; 75 s >= 60 s: pull, then push; 25 s, 50 s after that pull: push; then
    # the backlog is empty (no pull in between any more) and the round ends with its own pull.
    assert outcome.interleaved_pulls == 1
    assert requests == ["push", "push", "pull", "push", "push", "push", "pull"]


def test_one_batch_rounds_do_not_pull_in_between(node):
    for _ in range(3):
        outbox.enqueue(node.packet())
    node.client.batch_packets = 1
    requests = []
    node.transport.before = lambda request: requests.append("push" if request.url.path.endswith("/push") else "pull")
    node.client.sync(once=True, pull_every=0)
    assert requests == ["push", "pull"] and pending() == 2
