#!/usr/bin/env python3
"""Extracts the response examples of Twilio's Verify v2 OpenAPI spec that tests/engine/twilio_wire_format.rs round-trips.

Reads ../shared/reference/twilio_verify_v2.json (relative to the repository root) and writes
tests/data/twilio-examples.json: for each operation below, every example of every response, with the schema it
follows. Run from anywhere: python3 scripts/extract-twilio-examples.py
With --stdout it prints the file instead of writing it (scripts/test.sh compares that with the committed copy).
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / ".." / "shared" / "reference" / "twilio_verify_v2.json"
OUT = ROOT / "tests" / "data" / "twilio-examples.json"

# (path, method): the operations whose responses the Rust model must read and write back unchanged.
OPERATIONS = [
    ("/v2/Services/{ServiceSid}/Verifications", "post"),
    ("/v2/Services/{ServiceSid}/Verifications/{Sid}", "get"),
    ("/v2/Services/{ServiceSid}/Verifications/{Sid}", "post"),
    ("/v2/Services/{ServiceSid}/VerificationCheck", "post"),
    ("/v2/Services", "post"),
    ("/v2/Services/{Sid}", "get"),
    ("/v2/Services/{Sid}", "post"),
    ("/v2/Services", "get"),
    ("/v2/Services/{ServiceSid}/Entities", "post"),
    ("/v2/Services/{ServiceSid}/Entities/{Identity}", "get"),
    ("/v2/Services/{ServiceSid}/Entities/{Identity}/Factors", "post"),
    ("/v2/Services/{ServiceSid}/Entities/{Identity}/Factors/{Sid}", "get"),
    ("/v2/Services/{ServiceSid}/Entities/{Identity}/Factors/{Sid}", "post"),
    ("/v2/Services/{ServiceSid}/Entities/{Identity}/Challenges", "post"),
    ("/v2/Services/{ServiceSid}/Entities/{Identity}/Challenges/{Sid}", "get"),
    ("/v2/Services/{ServiceSid}/Entities/{Identity}/Challenges/{Sid}", "post"),
]


def schema_name(schema):
    """The component a response follows ("verify.v2.service"), or the title of an inline one ("ListServiceResponse");
    Twilio's untitled inline error body is named "error"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "title" in schema:
        return schema["title"]
    if set(schema.get("properties", {})) == {"code", "message", "more_info", "status"}:
        return "error"
    sys.exit(f"unnamed response schema: {json.dumps(schema)[:200]}")


def main():
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    examples = []
    for path, method in OPERATIONS:
        operation = spec["paths"][path][method]
        for status, response in operation["responses"].items():
            content = response.get("content", {}).get("application/json")
            if not content:
                continue
            for name, example in content.get("examples", {}).items():
                examples.append({
                    "operation": operation["operationId"],
                    "status": int(status),
                    "example": name,
                    "schema": schema_name(content["schema"]),
                    "value": example["value"],
                })
    document = {"source": "twilio-oai spec/json/twilio_verify_v2.json", "examples": examples}
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if "--stdout" in sys.argv[1:]:
        sys.stdout.buffer.write(text.encode("utf-8"))
        return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {len(examples)} examples to {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
