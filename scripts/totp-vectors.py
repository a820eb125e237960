#!/usr/bin/env python3
"""Writes tests/data/totp-pyotp.json: TOTP cases judged by pyotp, an independent implementation, that
tests/engine/totp.rs holds src/engine/totp.rs to.

Each case is a random secret (14 to 64 bytes; pyotp refuses fewer than 112 bits), a factor config within Twilio's
bounds, a time, pyotp's code at that time, a time the code is checked at (up to 3 steps either side) and whether pyotp
accepts it there with the skew as its window. The secret is also given in base32 as Python's standard library writes
it (padding dropped), so the vectors judge base32 too. Seeded, so the file is the same on every run.

Needs pyotp 2.12.0 (python3 -m pip install --target /tmp/pyotp pyotp==2.12.0, then PYTHONPATH=/tmp/pyotp).
Run from anywhere: python3 scripts/totp-vectors.py; with --stdout it prints the file instead of writing it.
"""

import base64
import hashlib
import json
import random
import sys
from importlib.metadata import version
from pathlib import Path

import pyotp

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "totp-pyotp.json"
CASES = 300
DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}


def case(rng):
    secret = rng.randbytes(rng.randint(14, 64))
    secret_base32 = base64.b32encode(secret).decode().rstrip("=")
    alg = rng.choice(sorted(DIGESTS))
    time_step = rng.randint(20, 60)
    skew = rng.randint(0, 2)
    code_length = rng.randint(3, 8)
    totp = pyotp.TOTP(secret_base32, digits=8, digest=DIGESTS[alg], interval=time_step)
    # pyotp's constructor takes 6 to 10 digits; its generate_otp truncates to any count, so 3 to 5 are set after.
    totp.digits = code_length
    time = rng.choice([rng.randint(0, 2**31), rng.randint(2**31, 2**34), rng.randint(0, 10**6)])
    code = totp.at(time)
    check_time = max(0, time + rng.randint(-3, 3) * time_step + rng.randint(-time_step, time_step))
    return {
        "secret_hex": secret.hex(),
        "secret_base32": secret_base32,
        "config": {"time_step": time_step, "skew": skew, "code_length": code_length, "alg": alg},
        "time": time,
        "code": code,
        "check_time": check_time,
        "accepted": totp.verify(code, for_time=check_time, valid_window=skew),
    }


def main():
    rng = random.Random(6238)
    cases = [case(rng) for _ in range(CASES)]
    # One case a line: small, and a diff names the cases that changed.
    lines = ",\n".join(json.dumps(c, separators=(",", ":")) for c in cases)
    text = f'{{"generator":"pyotp {version("pyotp")}","cases":[\n{lines}\n]}}\n'

    if "--stdout" in sys.argv:
        sys.stdout.write(text)
    else:
        OUT.write_text(text)


if __name__ == "__main__":
    main()
