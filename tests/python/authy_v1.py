"""Twilio's legacy Authy client for Python (PyPI `authy` 2.2.6), unchanged, against the Worker's v1 API.

Usage: authy_v1.py <worker url> <engine url (its dev inbox)> <api key> <JSON list of {national, e164}>

Prints, as its last line, JSON: the client and the steps checked, in order. Any failed expectation raises.
"""

import json
import sys
import urllib.parse
import urllib.request

from authy.api import AuthyApiClient
import importlib.metadata

BASE, ENGINE, KEY, NUMBERS = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
checked = []


def codes(e164):
    """The codes the engine sent to `e164`, from its dev inbox."""
    url = f"{ENGINE}/dev/inbox?to={urllib.parse.quote(e164)}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return [m["code"] for m in json.load(response)["messages"]]


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


api = AuthyApiClient(KEY, api_uri=BASE)
first, second, third, fourth = NUMBERS

started = api.phones.verification_start(first["national"], "1", via="sms", locale="en")
expect(started.ok(), f"start: {started.content}")
body = started.content
expect(body["success"] is True and body["message"] == f"Text message sent to +1 {first['national']}.", body)
expect(len(body["uuid"]) == 36 and 590 < body["seconds_to_expire"] <= 600, body)
[code] = codes(first["e164"])
expect(len(code) == 4 and code.isdigit(), code)
checked.append("start: 4 digits, Authy's answer")

again = api.phones.verification_start(first["national"], 1, via="sms")
expect(again.ok() and again.content["uuid"] == body["uuid"], again.content)
expect(codes(first["e164"]) == [code, code], "the same code twice")
checked.append("repeat start: same uuid, same code")

wrong = api.phones.verification_check(first["national"], "1", "0000" if code != "0000" else "1111")
expect(not wrong.ok() and wrong.response.status_code == 401, wrong.content)
expect(wrong.errors() == {"message": "Verification code is incorrect"}, wrong.errors())
expect(wrong.content["error_code"] == "60022" and wrong.content["success"] is False, wrong.content)
checked.append("wrong code: 60022 (401)")

right = api.phones.verification_check(first["national"], "1", code)
expect(right.ok() and right.content == {"message": "Verification code is correct.", "success": True}, right.content)
checked.append("right code")

spent = api.phones.verification_check(first["national"], "1", code)
expect(spent.response.status_code == 404 and spent.content["error_code"] == "60023", spent.content)
expect(spent.errors()["message"] == f"No pending verifications for +1 {first['national']} found.", spent.errors())
checked.append("spent: 60023 (404)")

eight = api.phones.verification_start(second["national"], "1", via="sms", code_length=8)
expect(eight.ok(), eight.content)
[code8] = codes(second["e164"])
expect(len(code8) == 8, code8)
expect(api.phones.verification_check(second["national"], "1", code8).ok(), "the 8-digit code")
checked.append("code_length 8")

bad = api.phones.verification_start("555", "1", via="sms")
expect(bad.response.status_code == 400 and bad.content["error_code"] == "60033", bad.content)
expect(bad.errors() == {"message": "Phone number is invalid"}, bad.errors())
checked.append("bad number: 60033 (400)")

stranger = AuthyApiClient("a-key-nobody-configured-0123456789", api_uri=BASE)
refused = stranger.phones.verification_start(third["national"], "1", via="sms")
expect(refused.response.status_code == 401 and refused.content["error_code"] == "60001", refused.content)
expect(codes(third["e164"]) == [], "nothing sent for a bad key")
checked.append("bad key: 60001 (401)")

print(json.dumps({"client": f"authy-python {importlib.metadata.version('authy')}", "checked": checked}))
