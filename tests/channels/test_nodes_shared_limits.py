"""Two `loyalty-gst serve` nodes on one PostgreSQL are one service to an attacker: an OTP
brute force spread over both meets the same 5 attempts as on one; OTP sends to one number
and from one till, fired at both nodes at once, meet the same limits; the same
idempotency key sent to both nodes concurrently is one commit; a revoked token is
refused by the other node within a second."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import requests
import sqlalchemy as sa
from channel_helpers import seed, worked_sale

from loyalty_gst.api import presence, tokens
from loyalty_gst.api.testing import ServerProcess
from loyalty_gst.standins.whatsapp import WhatsAppStandIn
from loyalty_gst.store import Store, open_store
from loyalty_gst.store import schema as s
from loyalty_gst.store.testing import create_temp_database, drop_database


@dataclass
class Nodes:
    a: ServerProcess
    b: ServerProcess
    store: Store
    wa: WhatsAppStandIn
    t1: str  # MUM-BAN T1
    t2: str  # MUM-BAN T2 (same store)
    admin: str

    def call(self, node: ServerProcess, token: str, path: str, body: object) -> requests.Response:
        return requests.post(
            node.base + path, json=body, timeout=60, headers={"Authorization": f"Bearer {token}"}
        )


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nodes]:
    url = create_temp_database("postgresql")
    store = open_store(url)
    seed(store, [])
    t1 = tokens.issue(store, kind="terminal", store_code="MUM-BAN", terminal="T1").token
    t2 = tokens.issue(store, kind="terminal", store_code="MUM-BAN", terminal="T2").token
    admin = tokens.issue(store, kind="admin").token
    keys = tmp_path_factory.mktemp("keys")  # the nodes share their secrets, as deployed
    with WhatsAppStandIn(token="wa-test-token", phone_number_id="555000") as wa:
        env = {
            "LOYALTY_GST_KEYS": str(keys),
            "LOYALTY_GST_WHATSAPP_URL": wa.url,
            "LOYALTY_GST_WHATSAPP_PHONE_ID": "555000",
            "LOYALTY_GST_WHATSAPP_TOKEN": "wa-test-token",
        }
        logs = tmp_path_factory.mktemp("nodes")
        a = ServerProcess.start(url, env=env, log_path=logs / "a.log")
        b = ServerProcess.start(url, env=env, log_path=logs / "b.log")
        try:
            yield Nodes(a, b, store, wa, t1, t2, admin)
        finally:
            a.stop()
            b.stop()
            store.dispose()
    drop_database(url)


def _both(n: Nodes, calls: list[tuple[ServerProcess, str, str, object]]) -> list[requests.Response]:
    """The calls at once, from as many threads."""
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda c: n.call(*c), calls))


def _brute_force(n: Nodes, phone: str, where: list[ServerProcess], tag: str) -> Counter[str]:
    """One OTP challenge, then 12 wrong codes and the right one at the quote, spread over
    `where` and fired at once; the outcome codes counted."""
    r = n.call(n.a, n.t1, "/v1/presence/otp", {"mobile": phone})
    assert r.status_code == 200, r.text
    challenge, code = r.json()["challenge_id"], n.wa.last_code(phone)
    assert code is not None
    wrong = [f"{(int(code) + 1 + i) % 10**6:06d}" for i in range(12)]
    sale = worked_sale(f"BAN1/NB/{tag}", phone=phone)

    def body(otp: str) -> dict[str, object]:
        return {"sale": sale, "points": 100, "presence": {"challenge_id": challenge, "otp": otp}}

    got = _both(
        n, [(where[i % len(where)], n.t1, "/v1/quote", body(w)) for i, w in enumerate(wrong)]
    )
    # then the right code: too late, the challenge is spent on wrong guesses
    last = n.call(where[-1], n.t1, "/v1/quote", body(code))
    return Counter([r.json()["code"] for r in got] + [f"right:{last.json().get('code', 'ok')}"])


def test_an_otp_brute_force_over_two_nodes_meets_the_same_5_attempts_as_on_one(
    nodes: Nodes,
) -> None:
    seed(nodes.store, ["+919000000801", "+919000000802"])
    one = _brute_force(nodes, "+919000000801", [nodes.a], "1")
    two = _brute_force(nodes, "+919000000802", [nodes.a, nodes.b], "2")
    # 12 wrong guesses: 5 counted as wrong, 7 refused whatever the code; the right code after
    want = {
        "presence_invalid": presence.OTP_ATTEMPTS,
        "otp_attempts_exceeded": 12 - presence.OTP_ATTEMPTS,
        "right:otp_attempts_exceeded": 1,
    }
    assert one == want
    assert two == want
    with nodes.store.engine.connect() as conn:
        attempts = conn.scalars(
            sa.select(s.otps.c.attempts).where(s.otps.c.used_at.is_(None)).order_by(s.otps.c.id)
        ).all()
    assert sorted(attempts)[-2:] == [presence.OTP_ATTEMPTS, presence.OTP_ATTEMPTS]


def test_otp_sends_to_one_number_over_two_nodes_meet_the_limit_of_3(nodes: Nodes) -> None:
    phone = "+919000000811"
    seed(nodes.store, [phone])
    body = {"mobile": phone}
    got = _both(nodes, [(nodes.a if i % 2 else nodes.b, nodes.t1, "/v1/presence/otp", body)
                        for i in range(12)])  # fmt: skip
    codes = Counter(r.status_code for r in got)
    assert codes == {200: presence.OTP_SENDS_PER_10_MIN, 429: 12 - presence.OTP_SENDS_PER_10_MIN}
    with nodes.store.engine.connect() as conn:
        sent = conn.scalar(
            sa.select(sa.func.count())
            .select_from(s.otps)
            .where(s.otps.c.phone_ref == presence.phone_ref(phone))
        )
    assert sent == presence.OTP_SENDS_PER_10_MIN


def test_otp_sends_from_one_till_over_two_nodes_meet_the_limit_of_30(nodes: Nodes) -> None:
    phones = [f"+91900000{900 + i:04d}" for i in range(40)]
    seed(nodes.store, phones)
    calls = [
        (nodes.a if i % 2 else nodes.b, nodes.t2, "/v1/presence/otp", {"mobile": p})
        for i, p in enumerate(phones)
    ]
    codes = Counter(r.status_code for r in _both(nodes, calls))
    limit = presence.OTP_SENDS_PER_TILL_10_MIN
    assert codes == {200: limit, 429: len(phones) - limit}


def test_one_idempotency_key_sent_to_two_nodes_at_once_is_one_commit(nodes: Nodes) -> None:
    phone = "+919000000821"
    seed(nodes.store, [phone])
    body = {"key": "both-nodes-1", "sale": worked_sale("BAN1/NB/K1", phone=phone)}
    got = _both(nodes, [(nodes.a if i % 2 else nodes.b, nodes.t1, "/v1/commit", body)
                        for i in range(16)])  # fmt: skip
    assert [r.status_code for r in got] == [200] * 16, [r.text for r in got if r.status_code != 200]
    assert sorted(r.json()["replayed"] for r in got) == [False] + [True] * 15
    assert len({r.json()["invoice"]["totals"]["grand_total"] for r in got}) == 1
    with nodes.store.engine.connect() as conn:
        one = s.invoices.c.number == "BAN1/NB/K1"
        invoices = conn.scalar(sa.select(sa.func.count()).select_from(s.invoices).where(one))
        earns = conn.scalar(
            sa.select(sa.func.count())
            .select_from(s.entries)
            .join(s.accounts, s.accounts.c.id == s.entries.c.account_id)
            .where(s.accounts.c.mobile == phone, s.entries.c.kind == "earn")
        )
    assert (invoices, earns) == (1, 1)


def test_a_token_revoked_on_one_node_is_refused_by_the_other_within_a_second(
    nodes: Nodes,
) -> None:
    t = tokens.issue(nodes.store, kind="channel", store_code="WEB")
    body = {"mobile": "+919000000831"}
    seed(nodes.store, [body["mobile"]])
    assert nodes.call(nodes.b, t.token, "/v1/customers/lookup", body).status_code == 200
    r = requests.delete(
        f"{nodes.a.base}/v1/tokens/{t.id}",
        timeout=30,
        headers={"Authorization": f"Bearer {nodes.admin}"},
    )
    assert r.status_code in (200, 204), r.text
    at = time.monotonic()
    while nodes.call(nodes.b, t.token, "/v1/customers/lookup", body).status_code != 401:
        assert time.monotonic() - at < 1.0 + tokens.CACHE_SECONDS
        time.sleep(0.02)
    assert time.monotonic() - at <= 1.0
