#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# schema_check.py SCHEMA FILE...: exit 0 when every FILE (JSON; "-" is
# stdin) is valid against the JSON Schema SCHEMA (draft 2020-12, Debian's
# python3-jsonschema), else 1 with each error on stderr. The schema is
# checked first: a broken schema must not pass everything.
import json
import sys

import jsonschema


def main():
    if len(sys.argv) < 3:
        print("usage: schema_check.py SCHEMA FILE...", file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    v = cls(schema)
    bad = 0
    for name in sys.argv[2:]:
        try:
            if name == "-":
                doc = json.load(sys.stdin)
            else:
                with open(name) as f:
                    doc = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{name}: {e}", file=sys.stderr)
            bad += 1
            continue
        for e in sorted(v.iter_errors(doc), key=lambda e: list(e.path)):
            path = "/".join(str(p) for p in e.path)
            print(f"{name}: /{path}: {e.message}", file=sys.stderr)
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
