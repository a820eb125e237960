"""Twilio's Python SDK (PyPI `twilio`) against the engine's Programmable Rate Limits and SafeList.

    PYTHONPATH=~/.cache/verify-edge/python python3 tests/python/engine_limits_sdk.py http://127.0.0.1:8787

tests/js/engine-limits.test.mjs starts the Worker and runs this; it prints one JSON line with what it checked.
Python's SDK sends `rate_limits` as `json.dumps` writes it (`{"user_id": "u-1"}`, a space after the colon).
"""

import json
import sys

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

ACCOUNT_SID = "ACdec0de00000000000000000000000001"
AUTH_TOKEN = "dev-auth-token-not-secret"


def expect_error(call, code: int, status: int) -> None:
    """`call()` must raise Twilio's RestException with `code` and HTTP `status`."""
    try:
        call()
    except TwilioRestException as error:
        assert (error.code, error.status) == (code, status), (error.code, error.status, error.msg)
        return
    raise AssertionError(f"expected Twilio error {code}")


def main(base_url: str) -> None:
    client = Client(ACCOUNT_SID, AUTH_TOKEN)
    client.verify.base_url = base_url
    v2 = client.verify.v2
    checked = []

    service = v2.services.create(friendly_name="Python limits")
    limit = v2.services(service.sid).rate_limits.create(unique_name="user_id", description="Per user")
    assert limit.sid.startswith("RK") and limit.unique_name == "user_id"
    assert v2.services(service.sid).rate_limits(limit.sid).fetch().description == "Per user"
    assert v2.services(service.sid).rate_limits(limit.sid).update(description="Users").description == "Users"
    bucket = v2.services(service.sid).rate_limits(limit.sid).buckets.create(max=2, interval=600)
    assert bucket.sid.startswith("BL") and (bucket.max, bucket.interval) == (2, 600)
    assert v2.services(service.sid).rate_limits(limit.sid).buckets(bucket.sid).update(max=1).max == 1
    assert [b.sid for b in v2.services(service.sid).rate_limits(limit.sid).buckets.list()] == [bucket.sid]
    assert [r.unique_name for r in v2.services(service.sid).rate_limits.list(page_size=1)] == ["user_id"]
    extra = v2.services(service.sid).rate_limits.create(unique_name="extra")
    assert v2.services(service.sid).rate_limits(extra.sid).delete() is True
    checked.append("rate limit and bucket CRUD")

    expect_error(lambda: v2.services(service.sid).rate_limits.create(unique_name="user_id"), 60208, 400)
    expect_error(lambda: v2.services(service.sid).rate_limits.create(unique_name="user id"), 60209, 400)
    expect_error(
        lambda: v2.services(service.sid).rate_limits(limit.sid).buckets.create(max=5, interval=600), 60211, 400
    )
    checked.append("60208, 60209, 60211")

    started = v2.services(service.sid).verifications.create(
        to="+16505557101", channel="sms", rate_limits={"user_id": "u-1"}
    )
    assert started.status == "pending"
    checked.append("start within the limit")

    expect_error(
        lambda: v2.services(service.sid).verifications.create(
            to="+16505557102", channel="sms", rate_limits={"user_id": "u-1"}
        ),
        20429,
        429,
    )
    # Another user is not limited by u-1's count.
    v2.services(service.sid).verifications.create(to="+16505557103", channel="sms", rate_limits={"user_id": "u-2"})
    checked.append("20429 breach")

    entry = v2.safelist.create(phone_number="+16505557199")
    assert entry.sid.startswith("GN") and entry.phone_number == "+16505557199"
    assert v2.safelist("+16505557199").fetch().sid == entry.sid
    assert v2.safelist("+16505557199").delete() is True
    expect_error(lambda: v2.safelist("+16505557199").fetch(), 20404, 404)
    checked.append("safe list")

    print(json.dumps({"sdk": "twilio-python", "checked": checked}))


if __name__ == "__main__":
    main(sys.argv[1])
