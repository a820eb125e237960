"""Twilio's Python SDK (PyPI `twilio`) drives the engine's Entities, TOTP Factors and Challenges, with the codes an
authenticator app would show computed by pyotp from the otpauth:// URI the engine answers.

    PYTHONPATH=~/.cache/verify-edge/python python3 tests/python/totp_sdk.py http://127.0.0.1:8787

tests/js/python-sdk.test.mjs starts the Worker and runs this; it prints one JSON line: what it checked, and the raw
answer of every judged operation, which that test holds to the operation's response schema in Twilio's spec.
"""

import datetime
import json
import os
import sys
import time

import pyotp
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

ACCOUNT_SID = "ACdec0de00000000000000000000000001"
AUTH_TOKEN = "dev-auth-token-not-secret"


class RecordingHttpClient(TwilioHttpClient):
    """The SDK's own HTTP client, keeping the last raw answer so it can be judged against Twilio's schemas."""

    last = None

    def request(self, *args, **kwargs):
        response = super().request(*args, **kwargs)
        self.last = response
        return response


def expect_error(call, code: int, status: int) -> None:
    """`call()` must raise Twilio's RestException with `code` and HTTP `status`."""
    try:
        call()
    except TwilioRestException as error:
        assert (error.code, error.status) == (code, status), (error.code, error.status, error.msg)
        return
    raise AssertionError(f"expected Twilio error {code}")


def main(base_url: str) -> None:
    http = RecordingHttpClient()
    client = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=http)
    client.verify.base_url = base_url
    v2 = client.verify.v2
    checked = []
    answers = []

    def judged(operation, call):
        value = call()
        answers.append({"operation": operation, "status": http.last.status_code, "body": json.loads(http.last.text)})
        return value

    counter = iter(range(1000))

    def identity() -> str:
        return f"py-{os.getpid()}-{next(counter):04d}"

    service = v2.services.create(friendly_name="Python TOTP", totp_issuer="Acme Py", totp_skew=1)

    # Entities.
    entities = v2.services(service.sid).entities
    ann = identity()
    created = judged("CreateEntity", lambda: entities.create(identity=ann))
    assert created.sid.startswith("YE") and created.identity == ann
    assert judged("FetchEntity", lambda: entities(ann).fetch()).identity == ann
    entities.create(identity=identity())
    page = judged("ListEntity", lambda: entities.page(page_size=1))
    assert len(list(page)) == 1
    assert ann in {e.identity for e in entities.list(page_size=1)}
    expect_error(lambda: entities.create(identity=ann), 60301, 409)
    expect_error(lambda: entities.create(identity="bad_identity"), 60306, 400)
    checked.append("entities: create, fetch, list, 60301, 60306")

    # A factor: unverified, its binding once, pyotp's code verifies it.
    entity = entities(ann)
    factor = judged("CreateNewFactor", lambda: entity.new_factors.create(friendly_name="Ann phone", factor_type="totp"))
    assert factor.status == "unverified" and factor.factor_type == "totp"
    totp = pyotp.parse_uri(factor.binding["uri"])
    assert totp.issuer == "Acme Py" and totp.name == "Ann phone" and totp.secret == factor.binding["secret"]
    fetched = judged("FetchFactor", lambda: entity.factors(factor.sid).fetch())
    assert fetched.status == "unverified" and factor.binding["secret"] not in http.last.text
    judged("ListFactor", lambda: entity.factors.page(page_size=5))
    assert factor.binding["secret"] not in http.last.text
    wrong = "000000" if totp.now() != "000000" else "111111"
    assert judged("UpdateFactor", lambda: entity.factors(factor.sid).update(auth_payload=wrong)).status == "unverified"
    verified_at = time.time()
    used = totp.at(verified_at)
    verified = judged("UpdateFactor", lambda: entity.factors(factor.sid).update(auth_payload=used))
    assert verified.status == "verified"
    checked.append("factor: create (binding once), fetch, list, wrong code, right code")

    sha = entity.new_factors.create(
        friendly_name="Sha", factor_type="totp", config_alg="sha256", config_code_length=8, config_time_step=20
    )
    assert sha.config == {"alg": "sha256", "skew": 1, "code_length": 8, "time_step": 20}
    sha_totp = pyotp.parse_uri(sha.binding["uri"])
    assert entity.factors(sha.sid).update(auth_payload=sha_totp.now()).status == "verified"
    expect_error(lambda: entity.new_factors.create(friendly_name="P", factor_type="push"), 60369, 400)
    expect_error(lambda: entity.new_factors.create(friendly_name="P", factor_type="totp", config_skew=3), 60370, 400)
    expect_error(lambda: entity.new_factors.create(friendly_name="P", factor_type="totp", binding_secret="!!"), 60306, 400)
    checked.append("factor: sha256/8/20 settings, 60369 push, 60370, 60306")

    locked = entity.new_factors.create(friendly_name="Locked", factor_type="totp")
    locked_totp = pyotp.parse_uri(locked.binding["uri"])
    for _ in range(5):
        assert entity.factors(locked.sid).update(auth_payload=wrong).status == "unverified"
    expect_error(lambda: entity.factors(locked.sid).update(auth_payload=locked_totp.now()), 60310, 429)
    expect_error(lambda: entity.challenges.create(factor_sid=locked.sid), 60318, 403)
    checked.append("60310, 60318")

    # Challenges.
    challenge = judged(
        "CreateChallenge",
        lambda: entity.challenges.create(
            factor_sid=factor.sid,
            details_message="Sign in",
            details_fields=[{"label": "Action", "value": "Sign in"}],
            hidden_details={"ip": "203.0.113.7"},
        ),
    )
    assert challenge.status == "pending" and challenge.details["fields"] == [{"label": "Action", "value": "Sign in"}]
    assert challenge.hidden_details == {"ip": "203.0.113.7"}
    replay = judged("UpdateChallenge", lambda: entity.challenges(challenge.sid).update(auth_payload=used))
    assert replay.status == "pending", "the code that verified the factor does not approve"
    nxt = totp.at(verified_at, counter_offset=1)
    approved = judged("UpdateChallenge", lambda: entity.challenges(challenge.sid).update(auth_payload=nxt))
    assert approved.status == "approved" and approved.date_responded is not None
    assert judged("FetchChallenge", lambda: entity.challenges(challenge.sid).fetch()).status == "approved"
    expect_error(lambda: entity.challenges(challenge.sid).update(auth_payload=nxt), 60322, 403)
    again = entity.challenges.create(factor_sid=factor.sid, auth_payload=nxt)
    assert again.status == "pending", "a code approves once"
    listed = judged("ListChallenge", lambda: entity.challenges.page(factor_sid=factor.sid, status="approved"))
    assert [c.sid for c in listed] == [challenge.sid]
    assert [c.sid for c in entity.challenges.list(status="pending", order="desc")] == [again.sid]
    checked.append("challenge: create, wrong and replayed codes pending, approve, 60322, fetch, list filters")

    # The replayed code at its creation was its first wrong attempt; four more make five.
    for _ in range(4):
        assert entity.challenges(again.sid).update(auth_payload=wrong).status == "pending"
    expect_error(lambda: entity.challenges(again.sid).update(auth_payload=totp.now()), 60308, 429)
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=3)
    short = entity.challenges.create(factor_sid=factor.sid, expiration_date=soon)
    expect_error(
        lambda: entity.challenges.create(
            factor_sid=factor.sid,
            expiration_date=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=61),
        ),
        60306,
        400,
    )
    time.sleep(4)
    assert entity.challenges(short.sid).fetch().status == "expired"
    expect_error(lambda: entity.challenges(short.sid).update(auth_payload=totp.now()), 60323, 403)
    checked.append("60308, 60323, 60306 expiration")

    # Deletes cascade.
    assert entity.factors(factor.sid).delete() is True
    expect_error(lambda: entity.challenges(challenge.sid).fetch(), 20404, 404)
    assert entity.delete() is True
    expect_error(lambda: entity.fetch(), 20404, 404)
    expect_error(lambda: entity.factors(sha.sid).fetch(), 20404, 404)
    checked.append("delete factor and entity, cascading")

    print(json.dumps({"sdk": "twilio-python", "checked": checked, "answers": answers}))


if __name__ == "__main__":
    main(sys.argv[1])
