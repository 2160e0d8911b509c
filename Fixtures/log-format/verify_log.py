#!/usr/bin/env python3
"""Verify a timebank log without timebank: the hash rule of README's "Log format", in 20 lines."""
import hashlib, json, sys

prev, seen = "0" * 64, set()
with open(sys.argv[1], "rb") as log:
    for number, line in enumerate(log, 1):
        if not line.endswith(b"\n"):
            sys.exit(f"line {number}: torn tail ({len(line)} bytes without a newline)")
        body, marker, rest = line[:-1].rpartition(b',"hash":"')
        if not marker or len(rest) != 66 or not rest.endswith(b'"}'):
            sys.exit(f"line {number}: does not end with ,\"hash\":\"<64 hex>\"}}")
        stored = rest[:64].decode()
        event = json.loads(line)
        if hashlib.sha256(body).hexdigest() != stored:
            sys.exit(f"line {number}: seq {event['seq']}: hash mismatch")
        if event["seq"] != number or event["prev"] != prev or event["id"] in seen:
            sys.exit(f"line {number}: seq {event['seq']}: broken chain (seq, prev or duplicate id)")
        prev = stored
        seen.add(event["id"])
print(f"ok: {number} lines, head {prev}")
