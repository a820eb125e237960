"""Twilio's Python SDK (PyPI `twilio`) against the embedded engine, as a Python user would point it there.

    PYTHONPATH=~/.cache/verify-edge/python python3 tests/python/engine_sdk.py http://127.0.0.1:8787

tests/js/python-sdk.test.mjs starts the Worker and runs this; it prints one JSON line with what it checked.
"""

import json
import sys
import urllib.parse
import urllib.request

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

ACCOUNT_SID = "ACdec0de00000000000000000000000001"
AUTH_TOKEN = "dev-auth-token-not-secret"


def last_code(base_url: str, to: str) -> str:
    """The last code the engine "sent" to `to`, from the dev inbox."""
    with urllib.request.urlopen(f"{base_url}/dev/inbox?to={urllib.parse.quote(to)}") as response:
        return json.load(response)["messages"][-1]["code"]


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

    service = v2.services.create(friendly_name="Python SDK", code_length=5)
    assert service.sid.startswith("VA") and service.code_length == 5
    assert v2.services(service.sid).fetch().friendly_name == "Python SDK"
    checked.append("service create/fetch")

    to = "+16505557001"
    started = v2.services(service.sid).verifications.create(to=to, channel="sms")
    assert started.status == "pending" and started.to == to
    code = last_code(base_url, to)
    assert len(code) == 5
    wrong = v2.services(service.sid).verification_checks.create(to=to, code="00000" if code != "00000" else "11111")
    assert wrong.status == "pending" and wrong.valid is False
    right = v2.services(service.sid).verification_checks.create(verification_sid=started.sid, code=code)
    assert right.status == "approved" and right.valid is True
    expect_error(lambda: v2.services(service.sid).verification_checks.create(to=to, code=code), 20404, 404)
    checked.append("start, wrong code, right code, 20404")

    to = "+16505557002"
    v2.services(service.sid).verifications.create(to=to, channel="sms")
    code = last_code(base_url, to)
    bad = "00000" if code != "00000" else "11111"
    statuses = [v2.services(service.sid).verification_checks.create(to=to, code=bad).status for _ in range(5)]
    assert statuses == ["pending"] * 4 + ["max_attempts_reached"], statuses
    expect_error(lambda: v2.services(service.sid).verification_checks.create(to=to, code=code), 60202, 429)
    checked.append("60202")

    to = "+16505557003"
    for _ in range(5):
        v2.services(service.sid).verifications.create(to=to, channel="sms")
    expect_error(lambda: v2.services(service.sid).verifications.create(to=to, channel="sms"), 60203, 429)
    checked.append("60203")

    expect_error(lambda: v2.services(service.sid).verifications.create(to="650 555 0100", channel="sms"), 60200, 400)
    bad_client = Client(ACCOUNT_SID, "wrong-token")
    bad_client.verify.base_url = base_url
    # (a list page that fails raises a plain TwilioException in this SDK; a fetch raises the RestException)
    expect_error(lambda: bad_client.verify.v2.services(service.sid).fetch(), 20003, 401)
    checked.append("60200, 20003")

    names = {s.friendly_name for s in v2.services.list(page_size=1)}
    assert "Python SDK" in names, names
    checked.append("list with paging")

    print(json.dumps({"sdk": "twilio-python", "checked": checked}))


if __name__ == "__main__":
    main(sys.argv[1])
