#!/usr/bin/python3
"""Checks JSON documents against a JSON Schema (draft 2020-12) with python3-jsonschema.

usage: validate_json.py [--also-broken] SCHEMA DOCUMENT...
With --also-broken, each document is also checked with one required key removed, which the
schema must reject: a schema that accepts anything would otherwise pass.
"""
import copy
import json
import sys

from jsonschema import Draft202012Validator


def errors_of(validator, document):
    return sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))


def broken(document):
    """The document without the first key its top-level object (or first item) carries."""
    damaged = copy.deepcopy(document)
    target = damaged[0] if isinstance(damaged, list) and damaged else damaged
    if not isinstance(target, dict) or not target:
        return None
    del target[next(iter(target))]
    return damaged


def main(arguments):
    also_broken = arguments[:1] == ["--also-broken"]
    if also_broken:
        arguments = arguments[1:]
    if len(arguments) < 2:
        print(__doc__, file=sys.stderr)
        return 1
    schema_path, documents = arguments[0], arguments[1:]
    with open(schema_path, encoding="utf-8") as stream:
        schema = json.load(stream)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    failures = 0
    for path in documents:
        with open(path, encoding="utf-8") as stream:
            document = json.load(stream)
        for error in errors_of(validator, document):
            pointer = "/".join(str(part) for part in error.absolute_path)
            print(f"{path}: /{pointer}: {error.message}")
            failures += 1
        damaged = broken(document) if also_broken else None
        if damaged is not None and not errors_of(validator, damaged):
            print(f"{path}: the schema accepts it with a required key removed")
            failures += 1
    print(f"{schema_path}: {len(documents)} documents, {failures} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
