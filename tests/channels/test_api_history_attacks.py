"""Account ids are not an index: counting ids (or forging a reference) reads no one's
history; a lookup's reference or the mobile does, for a till, a channel or an admin."""

from __future__ import annotations

from channel_helpers import PHONES, Api, member_session


def test_counting_account_ids_reads_nothing(api: Api) -> None:
    for token in (api.t1, api.web, api.app, api.admin):
        for i in range(1, 21):
            for path in (f"/v1/accounts/{i}/history", f"/v1/accounts/a{i}-{'0' * 20}/history"):
                r = api.call(token, "GET", path)
                assert r.status_code in (404, 422), (path, r.status_code)
                assert "entries" not in r.text


def test_history_by_reference_or_mobile(api: Api) -> None:
    seen = api.call(api.t1, "POST", "/v1/customers/lookup", {"mobile": PHONES[0]}).json()
    ref = seen["account_ref"]
    by_ref = api.call(api.t1, "GET", f"/v1/accounts/{ref}/history")
    by_mobile = api.call(api.t1, "POST", "/v1/customers/history", {"mobile": PHONES[0]})
    assert by_ref.status_code == by_mobile.status_code == 200
    assert by_ref.json() == by_mobile.json() and by_ref.json()["entries"]
    # another account's id under this reference's tag is not that account
    other = ref.split("-")[0] + "1-" + ref.split("-")[1]
    assert api.call(api.t1, "GET", f"/v1/accounts/{other}/history").status_code in (404, 422)
    # a member's session reads no one's history through these routes
    session = member_session(api, PHONES[1])
    assert api.call(session, "GET", f"/v1/accounts/{ref}/history").status_code == 403
    assert (
        api.call(session, "POST", "/v1/customers/lookup", {"mobile": PHONES[0]}).status_code == 403
    )
