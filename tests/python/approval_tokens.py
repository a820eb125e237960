"""PyJWT judges a running Worker's approval tokens, as an app's Python backend would check them.

Usage: approval_tokens.py WORKER_URL ISSUER AUDIENCE TOKEN EXPIRED_TOKEN
Verifies TOKEN against the Worker's JWKS (ES256 pinned, iss, aud, exp) and shows PyJWT refusing a tampered payload,
a wrong aud, an expired token (EXPIRED_TOKEN, a real one past its exp), an unknown kid, alg none, and HS256 keyed
with the public key (algorithm confusion). Prints one JSON object: the verified claims and each refusal's exception.
"""

import base64
import hashlib
import hmac
import json
import sys

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

url, issuer, audience, token, expired_token = sys.argv[1:6]
jwks = jwt.PyJWKClient(f"{url}/.well-known/jwks.json")


def verify(candidate, aud=audience):
    """The ten lines the README shows: the key by kid from the JWKS, ES256 only, iss, aud and exp checked."""
    key = jwks.get_signing_key_from_jwt(candidate)
    return jwt.decode(
        candidate,
        key=key,
        algorithms=["ES256"],
        audience=aud,
        issuer=issuer,
        options={"require": ["exp", "iat", "iss", "aud", "sub", "jti"]},
    )


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def refusal(candidate, **kwargs):
    try:
        verify(candidate, **kwargs)
    except Exception as error:  # noqa: BLE001 - the refusal's type is the result
        return type(error).__name__
    return None


header, payload, signature = token.split(".")
claims = verify(token)

tampered_claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
tampered_claims["sub"] = "+10000000000"
tampered = f"{header}.{b64(json.dumps(tampered_claims).encode())}.{signature}"

stranger = ec.generate_private_key(ec.SECP256R1())
unknown_kid = jwt.encode(claims, stranger, algorithm="ES256", headers={"kid": "not-a-key-of-this-worker"})
# A stranger's key, under this Worker's kid.
kid = jwt.get_unverified_header(token)["kid"]
relabelled = jwt.encode(claims, stranger, algorithm="ES256", headers={"kid": kid})

none_header = b64(json.dumps({"alg": "none", "typ": "JWT", "kid": kid}).encode())
alg_none = f"{none_header}.{payload}."

# Algorithm confusion: HS256 with the Worker's public key (its PEM) as the HMAC secret.
public_pem = jwks.get_signing_key(kid).key.public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)
hs_header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
hs_input = f"{hs_header}.{payload}".encode()
hs256 = f"{hs_header}.{payload}.{b64(hmac.new(public_pem, hs_input, hashlib.sha256).digest())}"

print(
    json.dumps(
        {
            "claims": claims,
            "refusals": {
                "tampered": refusal(tampered),
                "wrong_aud": refusal(token, aud="another-app"),
                "expired": refusal(expired_token),
                "unknown_kid": refusal(unknown_kid),
                "stranger_under_our_kid": refusal(relabelled),
                "alg_none": refusal(alg_none),
                "hs256_with_public_key": refusal(hs256),
            },
        }
    )
)
