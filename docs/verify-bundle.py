#!/usr/bin/env python3
"""Check a trustctl ledger bundle without trustctl.

An auditor should not have to trust a tool to check that tool's own output. This verifier is
written from docs/ledger-format.md alone, in another language, with only Python's standard
library; Ed25519 is implemented below from RFC 8032 rather than taken from a package.

    python3 docs/verify-bundle.py [--key FINGERPRINT|PUBLIC_KEY_PEM_FILE] BUNDLE_DIR

Prints one line per problem, then a summary. Exit status: 0 verified, 1 a problem was found,
2 the command was misused or the bundle could not be read.
"""

import base64
import hashlib
import json
import math
import os
import re
import sys

GENESIS = "0" * 64
HEX64 = re.compile(r"^[0-9a-f]{64}$")
RECORD_FORMAT = 1


class Unreadable(Exception):
    """The input is not a bundle this verifier can read (exit 2)."""


# --- JSON as ECMAScript's JSON.stringify writes it (docs/ledger-format.md, "Canonical JSON") ----


def js_string(text):
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\b\f\n\r\t":
            out.append({"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif code < 0x20 or 0xD800 <= code <= 0xDFFF:
            # Control characters, and surrogates left unpaired (json.loads pairs the others).
            out.append("\\u%04x" % code)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def js_number(value):
    """ECMAScript Number::toString: the shortest digits that round-trip (Python's repr finds them)."""
    if isinstance(value, int):
        if abs(value) < 2**53:
            return str(value)
        value = float(value)
    if math.isnan(value) or math.isinf(value):
        return "null"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    raw = whole + fraction
    digits = raw.lstrip("0")
    point = len(whole) + int(exponent or 0) - (len(raw) - len(digits))
    digits = digits.rstrip("0")
    k, n = len(digits), point  # value = 0.<digits> x 10^n
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    e = n - 1
    exp = ("e+" if e >= 0 else "e-") + str(abs(e))
    return sign + (digits if k == 1 else digits[0] + "." + digits[1:]) + exp


def is_array_index(key):
    return re.fullmatch(r"0|[1-9][0-9]*", key) is not None and int(key) < 2**32 - 1


def key_order(key):
    # Array-index keys first in numeric order (how JavaScript objects enumerate), then the rest by
    # UTF-16 code units.
    if is_array_index(key):
        return (0, int(key), b"")
    return (1, 0, key.encode("utf-16-be", "surrogatepass"))


def js_json(value, sort_keys):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return js_number(value)
    if isinstance(value, str):
        return js_string(value)
    if isinstance(value, list):
        return "[" + ",".join(js_json(v, sort_keys) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=key_order) if sort_keys else list(value)
        return "{" + ",".join(js_string(k) + ":" + js_json(value[k], sort_keys) for k in keys) + "}"
    raise TypeError("not a JSON value: %r" % (value,))


def canonical_bytes(value):
    return js_json(value, sort_keys=True).encode("utf-8")


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


# --- Ed25519 signature verification, RFC 8032 section 5.1 -----------------------------------------

P = 2**255 - 19  # the field prime (5.1)
L = 2**252 + 27742317777372353535851937790883648493  # order of the base point (5.1)
D = -121665 * pow(121666, P - 2, P) % P  # curve constant d (5.1)
SQRT_M1 = pow(2, (P - 1) // 4, P)  # a square root of -1, used to recover x (5.1.3)


def point_add(a, b):
    """Addition in extended homogeneous coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, xy = T/Z (5.1.4)."""
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % P
    bb = (y1 + x1) * (y2 + x2) % P
    cc = 2 * t1 * t2 * D % P
    dd = 2 * z1 * z2 % P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def point_multiply(scalar, point):
    result = (0, 1, 1, 0)  # the neutral element
    while scalar > 0:
        if scalar & 1:
            result = point_add(result, point)
        point = point_add(point, point)
        scalar >>= 1
    return result


def points_equal(a, b):
    # x1/z1 == x2/z2 and y1/z1 == y2/z2, without dividing.
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


def recover_x(y, sign):
    """x from y and the sign bit: x^2 = (y^2 - 1) / (d y^2 + 1) (5.1.3, steps 2-4)."""
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P != 0:
        return None
    if (x & 1) != sign:
        x = P - x
    return x


def point_decode(data):
    """A 32-byte encoding to a point, or None when it is not one (5.1.3)."""
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % P)


BASE_Y = 4 * pow(5, P - 2, P) % P
BASE = (recover_x(BASE_Y, 0), BASE_Y, 1, recover_x(BASE_Y, 0) * BASE_Y % P)


def ed25519_verify(public_key, message, signature):
    """True when signature (64 bytes) is a valid signature of message by public_key (32 bytes) (5.1.7)."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = point_decode(public_key)
    r = point_decode(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % L
    # The group equation [S]B = R + [k]A', checked without the cofactor as the RFC's own code does.
    return points_equal(point_multiply(s, BASE), point_add(r, point_multiply(k, a)))


# --- Public keys: PEM -> SPKI DER -> 32 raw bytes ----------------------------------------------

# SEQUENCE { SEQUENCE { OID 1.3.101.112 (Ed25519) }, BIT STRING (0 unused bits) of 32 bytes }
SPKI_ED25519_PREFIX = bytes.fromhex("302a300506032b6570032100")


def parse_public_key(pem):
    """(fingerprint, raw 32-byte key) of an Ed25519 public key in PEM; ValueError when it is not one."""
    match = re.search(r"-----BEGIN PUBLIC KEY-----(.*?)-----END PUBLIC KEY-----", pem, re.S)
    if match is None:
        raise ValueError("not a PEM public key")
    der = base64.b64decode("".join(match.group(1).split()), validate=True)
    if len(der) != 44 or not der.startswith(SPKI_ED25519_PREFIX):
        raise ValueError("not an Ed25519 public key (SPKI)")
    return sha256_hex(der), der[len(SPKI_ED25519_PREFIX):]


# --- The bundle --------------------------------------------------------------------------------

RECORD_FIELDS = {
    "seq": int,
    "id": str,
    "runId": int,
    "kind": str,
    "source": str,
    "collector": str,
    "collectorVersion": str,
    "collectedAt": str,
    "effectiveAt": str,
    "contentHash": str,
    "blobRef": str,
    "prevHash": str,
    "hash": str,
}
HASHED_FIELDS = list(RECORD_FIELDS)[:-1]  # every field but the hash, in this order, after the format


def record_hash(record):
    fields = [RECORD_FORMAT] + [record[name] for name in HASHED_FIELDS]
    return sha256_hex(js_json(fields, sort_keys=False).encode("utf-8"))


def strict_json(text, where):
    """JSON as JSON.parse reads it: NaN and Infinity are not JSON."""
    def refuse(name):
        raise ValueError("%s is not JSON" % name)
    try:
        return json.loads(text, parse_constant=refuse)
    except ValueError as error:
        raise Unreadable("%s: not valid JSON (%s)" % (where, error))


def short(text):
    return str(text)[:12]


# The records a manifest's optional `anchors` name (docs/ledger-format.md, "Anchors"), by kind.
ANCHORED_IDS = {"assessment": ("assessment",), "evidence-set": ("whole-run", "findings-parts", "run-evidence")}


def anchor_mismatch(anchors, anchorable):
    """What is wrong with a manifest's anchors against the run's anchorable records, or None."""
    if not isinstance(anchors, list):
        return "its anchors are not a list"
    named = set()
    for anchor in anchors:
        if not isinstance(anchor, dict):
            return "an anchor is not a record position and hash"
        name = (anchor.get("kind"), anchor.get("id"))
        if name in named:
            return "it anchors %s %s twice" % name
        named.add(name)
        found = anchorable.get(name)
        if found is None:
            return "it anchors %s %s at record %r, but the run holds no such record before its manifest" % (
                name + (anchor.get("seq"),))
        if found != (anchor.get("seq"), anchor.get("hash")):
            return "it anchors %s %s at record %r, but the run's last such record before its manifest is record %d" % (
                name + (anchor.get("seq"), found[0]))
    for name, (seq, _) in sorted(anchorable.items(), key=lambda item: item[1][0]):
        if name not in named:
            return "it does not anchor the run's %s %s record %d" % (name + (seq,))
    return None


class Run:
    def __init__(self):
        self.digest = hashlib.sha256()
        self.count = 0
        self.started = False  # its run-start record is in the bundle
        self.records_before_start = 0
        self.manifest_seq = None
        # The last record of each kind and id a manifest anchors: {(kind, id): (seq, hash)}.
        self.anchorable = {}


class BundleCheck:
    def __init__(self, directory, pinned_key):
        self.dir = directory
        self.pinned_key = pinned_key
        self.problems = []
        self.notes = []
        self.keys = {}  # fingerprint -> raw public key
        self.runs = {}
        self.records = 0
        self.blobs = set()
        self.key_files = set()
        self.manifests = 0

    def problem(self, message):
        self.problems.append(message)

    def read_json(self, name):
        try:
            with open(os.path.join(self.dir, name), encoding="utf-8") as file:
                text = file.read()
        except (OSError, UnicodeDecodeError) as error:
            raise Unreadable("%s: cannot read %s (%s)" % (self.dir, name, error))
        return strict_json(text, os.path.join(self.dir, name))

    def run(self):
        index = self.read_json("bundle.json")
        if not isinstance(index, dict) or index.get("format") != "trustctl-ledger-bundle":
            raise Unreadable("%s: bundle.json is not a trustctl ledger bundle index" % self.dir)
        if index.get("version") != 1:
            raise Unreadable("%s: bundle version %r is not 1" % (self.dir, index.get("version")))
        start, head = index.get("start"), index.get("chainHead")
        for name, point in (("start", start), ("chainHead", head)):
            if not (isinstance(point, dict) and isinstance(point.get("seq"), int)
                    and isinstance(point.get("hash"), str) and HEX64.match(point["hash"])):
                raise Unreadable("%s: bundle.json has no valid %s" % (self.dir, name))
        if start["seq"] == 0 and start["hash"] != GENESIS:
            self.problem("bundle starts at the genesis but names %s as the hash before it" % short(start["hash"]))
        if start["seq"] > 0:
            self.notes.append("the bundle starts after record %d %s: records before it are not in the bundle"
                              % (start["seq"], start["hash"]))
        runs, keys = index.get("runs"), index.get("keys")
        if not (isinstance(runs, list) and all(isinstance(r, int) for r in runs)):
            raise Unreadable("%s: bundle.json has no list of run ids" % self.dir)
        if not (isinstance(keys, list) and all(isinstance(k, dict) for k in keys)):
            raise Unreadable("%s: bundle.json has no list of keys" % self.dir)
        for key in keys:
            self.load_key_file(key)
        self.walk(start)
        self.finish(index, head)

    def load_key_file(self, key):
        fingerprint, file = key.get("fingerprint"), str(key.get("file"))
        path = os.path.abspath(os.path.join(self.dir, file))
        if not path.startswith(os.path.abspath(self.dir) + os.sep):
            raise Unreadable("%s: key file %s lies outside the bundle" % (self.dir, file))
        try:
            with open(path, encoding="utf-8") as pem:
                actual, raw = parse_public_key(pem.read())
        except (OSError, ValueError) as error:
            raise Unreadable("%s: key file %s cannot be read (%s)" % (self.dir, file, error))
        self.key_files.add(os.path.relpath(path, os.path.abspath(self.dir)).replace(os.sep, "/"))
        if actual != fingerprint:
            self.problem("key file %s has fingerprint %s, not the %s bundle.json gives it"
                         % (file, short(actual), short(fingerprint)))
        self.keys[actual] = raw

    def lines(self):
        """(line number, parsed JSON) for each non-empty line of records.jsonl, read as a stream."""
        try:
            with open(os.path.join(self.dir, "records.jsonl"), encoding="utf-8") as file:
                for number, line in enumerate(file, 1):
                    if line.strip() != "":
                        yield number, strict_json(line, "records.jsonl:%d" % number)
        except (OSError, UnicodeDecodeError) as error:
            raise Unreadable("%s: cannot read records.jsonl (%s)" % (self.dir, error))

    def walk(self, start):
        highest, previous_hash = start["seq"], start["hash"]
        self.first = self.final = None
        for number, record in self.lines():
            self.records += 1
            if not self.well_formed(record, number):
                continue
            seq = record["seq"]
            where = "record %d (%s %s)" % (seq, record["kind"], record["id"])
            if seq > highest + 1:
                gap = "record %d is" % (highest + 1) if seq == highest + 2 else "records %d-%d are" % (highest + 1, seq - 1)
                self.problem("%s missing before %s: deleted from the ledger" % (gap, where))
            elif seq <= highest:
                self.problem("%s comes after record %d: records were reordered or duplicated" % (where, highest))
            if record["prevHash"] != previous_hash:
                self.problem("%s: the chain is broken: it links to %s but the record before it hashes to %s"
                             % (where, short(record["prevHash"]), short(previous_hash)))
            if record_hash(record) != record["hash"]:
                self.problem("%s: its fields do not hash to its hash: the record was edited" % where)
            blob = self.blob(record, where)
            self.follow_run(record, where, blob)
            highest, previous_hash = max(highest, seq), record["hash"]
            self.first = self.first or record
            self.final = record
        self.last = (highest, previous_hash)

    def well_formed(self, record, number):
        if not isinstance(record, dict):
            self.problem("records.jsonl:%d: not a record object" % number)
            return False
        for name, kind in RECORD_FIELDS.items():
            value = record.get(name)
            if not isinstance(value, kind) or isinstance(value, bool):
                self.problem("records.jsonl:%d: field %s is missing or not a %s: the record was edited"
                             % (number, name, kind.__name__))
                return False
        for name in ("contentHash", "prevHash", "hash"):
            if not HEX64.match(record[name]):
                self.problem("records.jsonl:%d: %s is not a SHA-256 in hex: the record was edited" % (number, name))
                return False
        return True

    def blob(self, record, where):
        content_hash = record["contentHash"]
        if record["blobRef"] != "sha256:" + content_hash:
            self.problem("%s: blob address %s is not sha256:<contentHash>: the record was edited"
                         % (where, record["blobRef"]))
        try:
            with open(os.path.join(self.dir, "blobs", content_hash[:2], content_hash), "rb") as file:
                data = file.read()
        except OSError:
            self.problem("%s: blob %s is missing from the bundle" % (where, short(content_hash)))
            return None
        self.blobs.add(content_hash)
        if sha256_hex(data) != content_hash:
            self.problem("%s: blob %s does not hash to its address: its bytes were altered"
                         % (where, short(content_hash)))
            return None
        return data

    def follow_run(self, record, where, blob):
        run = self.runs.setdefault(record["runId"], Run())
        if run.manifest_seq is not None:
            self.problem("%s of run %d comes after that run's manifest (record %d): added to a sealed run"
                         % (where, record["runId"], run.manifest_seq))
            return
        kind = record["kind"]
        if kind == "manifest":
            self.check_manifest(record, blob, run)
            run.manifest_seq = record["seq"]
            return
        if kind == "run-start":
            if run.records_before_start > 0:
                self.problem("%s: %d records of run %d come before its run-start"
                             % (where, run.records_before_start, record["runId"]))
            run.started = True
        elif kind == "signing-key":
            self.learn_key(record, where, blob)
        elif not run.started:
            run.records_before_start += 1
        if record["id"] in ANCHORED_IDS.get(kind, ()):
            run.anchorable[(kind, record["id"])] = (record["seq"], record["hash"])
        run.digest.update(record["hash"].encode("ascii"))
        run.count += 1

    def learn_key(self, record, where, blob):
        if blob is None:
            return
        try:
            fingerprint, raw = parse_public_key(json.loads(blob.decode("utf-8"))["publicKeyPem"])
        except (ValueError, KeyError, TypeError) as error:
            self.problem("%s: the public key it records cannot be read (%s)" % (where, error))
            return
        if fingerprint != record["id"]:
            self.problem("%s: the key it records has fingerprint %s, not its id" % (where, short(fingerprint)))
        self.keys[fingerprint] = raw

    def check_manifest(self, record, blob, run):
        where = "manifest of run %d (record %d)" % (record["runId"], record["seq"])
        if blob is None:
            return
        try:
            signed = json.loads(blob.decode("utf-8"))
            manifest, signature = signed["manifest"], base64.b64decode(signed["signature"], validate=True)
            fingerprint = manifest["keyFingerprint"]
            if not isinstance(fingerprint, str):
                raise TypeError("keyFingerprint is not a string")
        except (ValueError, KeyError, TypeError) as error:
            self.problem("%s: not a readable signed manifest (%s)" % (where, error))
            return
        self.manifests += 1
        if self.pinned_key is not None and fingerprint != self.pinned_key:
            self.problem("%s is signed by key %s, not the pinned key %s"
                         % (where, short(fingerprint), short(self.pinned_key)))
        key = self.keys.get(fingerprint)
        if key is None:
            self.problem("%s is signed by key %s, which the bundle does not hold" % (where, short(fingerprint)))
        elif not ed25519_verify(key, canonical_bytes(manifest), signature):
            self.problem("%s: the Ed25519 signature does not verify with key %s: the manifest was altered or forged"
                         % (where, short(fingerprint)))
        if manifest.get("format") != 1:
            self.problem("%s: manifest format %r is not 1" % (where, manifest.get("format")))
        if manifest.get("runId") != record["runId"]:
            self.problem("%s: it is signed for run %r" % (where, manifest.get("runId")))
        if run.started:
            if manifest.get("recordCount") != run.count:
                self.problem("%s: signed for %r records, but the bundle holds %d records of the run"
                             % (where, manifest.get("recordCount"), run.count))
            elif manifest.get("recordsDigest") != run.digest.hexdigest():
                self.problem("%s: the records digest does not match the run's records: records were changed or reordered"
                             % where)
            if "anchors" in manifest:
                wrong = anchor_mismatch(manifest["anchors"], run.anchorable)
                if wrong is not None:
                    self.problem("%s: %s: the manifest's anchors or the records they name were changed" % (where, wrong))
        else:
            self.notes.append("%s: the run began before the bundle; its record count and digest were not compared" % where)
        if manifest.get("chainLength") != record["seq"] - 1 or manifest.get("chainHead") != record["prevHash"]:
            self.problem("%s: signed chain head %r/%s is not the record before it"
                         % (where, manifest.get("chainLength"), short(manifest.get("chainHead"))))

    def finish(self, index, head):
        last_seq, last_hash = self.last
        if (head["seq"], head["hash"]) != (last_seq, last_hash):
            self.problem("bundle.json names chain head %d %s, but the last record is %d %s"
                         % (head["seq"], short(head["hash"]), last_seq, short(last_hash)))
        listed = index["runs"]
        if self.first is not None and not (self.first["kind"] in ("signing-key", "run-start")
                                           and self.first["runId"] in listed):
            self.problem("the bundle begins with record %d (%s of run %d), not with the start of a run it is for"
                         % (self.first["seq"], self.first["kind"], self.first["runId"]))
        if self.final is not None and not (self.final["kind"] == "manifest" and self.final["runId"] in listed):
            self.problem("record %d (%s %s) follows the last signed manifest: added after the bundle was sealed"
                         % (self.final["seq"], self.final["kind"], self.final["id"]))
        if self.records == 0:
            self.problem("records.jsonl holds no records")
        if index.get("records") != self.records:
            self.problem("bundle.json counts %r records, but records.jsonl holds %d" % (index.get("records"), self.records))
        for run_id in listed:
            run = self.runs.get(run_id)
            if run is None or not run.started:
                self.problem("run %r is listed in bundle.json, but its run-start record is not in the bundle" % run_id)
            if run is None or run.manifest_seq is None:
                self.problem("run %r is listed in bundle.json, but its signed manifest is not in the bundle" % run_id)
        self.extra_files()
        for run_id, run in sorted(self.runs.items()):
            if run.manifest_seq is None and run_id not in listed:
                self.notes.append("run %d has %d records and no signed manifest (interrupted, or still running)"
                                  % (run_id, run.count))

    def extra_files(self):
        """Rule 9: every file is the index, the records, a listed key or the blob of a record."""
        expected = {"bundle.json", "records.jsonl"} | self.key_files
        expected |= {"blobs/%s/%s" % (h[:2], h) for h in self.blobs}
        root = os.path.abspath(self.dir)
        for folder, _, files in os.walk(root):
            for name in files:
                rel = os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
                if rel not in expected:
                    self.problem("%s: a file no record or key of the bundle accounts for (added after the export)" % rel)


def parse_arguments(argv):
    pinned, rest = None, []
    args = iter(argv)
    for arg in args:
        if arg == "--key":
            pinned = next(args, None)
            if pinned is None:
                raise Unreadable("--key needs a fingerprint or a PEM file")
        elif arg in ("-h", "--help"):
            print(__doc__.strip())
            sys.exit(0)
        else:
            rest.append(arg)
    if len(rest) != 1:
        raise Unreadable("usage: verify-bundle.py [--key FINGERPRINT|PUBLIC_KEY_PEM_FILE] BUNDLE_DIR")
    if pinned is not None and not HEX64.match(pinned.lower()):
        try:
            with open(pinned, encoding="utf-8") as file:
                pinned = parse_public_key(file.read())[0]
        except (OSError, ValueError) as error:
            raise Unreadable("--key %s: neither a SHA-256 fingerprint nor an Ed25519 public key file (%s)"
                             % (pinned, error))
    return (pinned.lower() if pinned else None), rest[0]


def count(n, noun):
    return "%d %s%s" % (n, noun, "" if n == 1 else "s")


def main(argv):
    try:
        pinned, directory = parse_arguments(argv)
        check = BundleCheck(directory, pinned)
        check.run()
    except Unreadable as error:
        print("error: %s" % error, file=sys.stderr)
        return 2
    for message in check.problems:
        print("problem: %s" % message)
    for note in check.notes:
        print("note: %s" % note)
    last_seq, last_hash = check.last
    verdict = "verified" if not check.problems else "FAILED, %s" % count(len(check.problems), "problem")
    print("bundle %s: %s; %s, %s, %s, chain head %d %s"
          % (directory, verdict, count(check.records, "record"), count(check.manifests, "manifest"),
             count(len(check.blobs), "blob"), last_seq, last_hash))
    return 0 if not check.problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
