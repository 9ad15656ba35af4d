#!/usr/bin/env python3
"""Decode multisigner.zone.events as read by kcat, and check each zone's hash chain.

Standard library only (no Avro package): reads kcat's output in the binary-safe format
    kcat -C -b BOOTSTRAP -t multisigner.zone.events -o beginning -e -q -f '%k\\t%p\\t%o\\t%S\\n%s'
(one header line "key<TAB>partition<TAB>offset<TAB>value-length", then exactly that many value
bytes), and decodes each value as Avro single-object encoding: 2 magic bytes C3 01, the writer
schema's 8-byte CRC-64-AVRO fingerprint (little endian), then the Avro binary body. The writer schema is
looked up in SCHEMA_DIR, which holds one JSON schema per known ZoneEvent version, named by the
fingerprint bytes in hex as they appear in the header (`multisigner audit schemas --out DIR`
writes them).

Prints one line per event: zone, offset, time, type, summary; then one line per zone with the
result of the hash chain check (each event's previousHash is the SHA-256 of the previous event's
value bytes of the same zone). Exit code 1 if a chain is broken.

Usage: kcat ... | decode-zone-events.py SCHEMA_DIR
"""
import datetime
import hashlib
import json
import os
import struct
import sys


def read_long(buf, pos):
    shift, result = 0, 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    return (result >> 1) ^ -(result & 1), pos


class Decoder:
    def __init__(self, schema):
        self.names = {}
        self.root = schema
        self.register(schema, None)

    def register(self, s, ns):
        if isinstance(s, list):
            for branch in s:
                self.register(branch, ns)
        elif isinstance(s, dict):
            t = s.get("type")
            if t in ("record", "enum", "fixed"):
                ns = s.get("namespace", ns)
                full = s["name"] if "." in s["name"] else (ns + "." + s["name"] if ns else s["name"])
                self.names[full] = s
                self.names[s["name"]] = s
                for f in s.get("fields", []):
                    self.register(f["type"], ns)
            elif t == "array":
                self.register(s["items"], ns)
            elif t == "map":
                self.register(s["values"], ns)
            elif isinstance(t, (dict, list)):
                self.register(t, ns)

    def read(self, s, buf, pos):
        if isinstance(s, list):
            index, pos = read_long(buf, pos)
            return self.read(s[index], buf, pos)
        if isinstance(s, str):
            if s in self.names:
                return self.read(self.names[s], buf, pos)
            s = {"type": s}
        t = s["type"]
        if isinstance(t, (dict, list)) or (isinstance(t, str) and t in self.names):
            return self.read(t, buf, pos)
        if t == "null":
            return None, pos
        if t == "boolean":
            return buf[pos] == 1, pos + 1
        if t in ("int", "long"):
            v, pos = read_long(buf, pos)
            if s.get("logicalType") == "timestamp-millis":
                v = datetime.datetime.fromtimestamp(v / 1000, datetime.timezone.utc).isoformat()
            return v, pos
        if t == "float":
            return struct.unpack("<f", buf[pos:pos + 4])[0], pos + 4
        if t == "double":
            return struct.unpack("<d", buf[pos:pos + 8])[0], pos + 8
        if t in ("bytes", "string"):
            n, pos = read_long(buf, pos)
            raw = buf[pos:pos + n]
            return (raw.decode("utf-8") if t == "string" else raw.hex()), pos + n
        if t == "fixed":
            return buf[pos:pos + s["size"]].hex(), pos + s["size"]
        if t == "enum":
            i, pos = read_long(buf, pos)
            return s["symbols"][i], pos
        if t == "record":
            out = {}
            for f in s["fields"]:
                out[f["name"]], pos = self.read(f["type"], buf, pos)
            return out, pos
        if t in ("array", "map"):
            out = [] if t == "array" else {}
            while True:
                n, pos = read_long(buf, pos)
                if n == 0:
                    return out, pos
                if n < 0:
                    n = -n
                    _, pos = read_long(buf, pos)  # block size in bytes
                for _ in range(n):
                    if t == "array":
                        v, pos = self.read(s["items"], buf, pos)
                        out.append(v)
                    else:
                        k, pos = self.read("string", buf, pos)
                        out[k], pos = self.read(s["values"], buf, pos)
        raise ValueError("unsupported Avro type %r" % (t,))


def main():
    schema_dir = sys.argv[1]
    decoders = {}
    for name in os.listdir(schema_dir):
        if name.endswith(".avsc"):
            with open(os.path.join(schema_dir, name)) as f:
                decoders[name[:-5]] = Decoder(json.load(f))
    src = sys.stdin.buffer
    heads, broken, counts = {}, {}, {}
    while True:
        header = src.readline()
        if not header:
            break
        key, partition, offset, length = header.decode("utf-8").rstrip("\n").split("\t")
        value = src.read(int(length))
        src.read(1)  # the newline the format puts after each value
        if value[:2] != b"\xc3\x01":
            print("%s offset=%s: not single-object encoded" % (key, offset))
            broken.setdefault(key, "offset %s: not single-object encoded" % offset)
            continue
        fingerprint = value[2:10].hex()
        if fingerprint not in decoders:
            broken.setdefault(key, "offset %s: unknown writer schema %s" % (offset, fingerprint))
            continue
        dec = decoders[fingerprint]
        event, _ = dec.read(dec.root, value, 10)
        counts[key] = counts.get(key, 0) + 1
        print("%s\t%s\t%s\t%s: %s" % (key, offset, event["envelope"]["occurredAt"],
                                      event["type"], event["summary"]))
        previous = event.get("previousHash")
        if key not in broken:
            if previous is not None and previous != heads.get(key):
                broken[key] = "offset %s: previousHash %s, but the zone's previous event hashes to %s" % (
                    offset, previous, heads.get(key))
            heads[key] = hashlib.sha256(value).hexdigest()
    for zone in counts:
        if zone in broken:
            print("BROKEN %s %s" % (zone, broken[zone]))
        else:
            print("ok %s events=%d head=%s" % (zone, counts[zone], heads[zone]))
    sys.exit(1 if broken else 0)


if __name__ == "__main__":
    main()
