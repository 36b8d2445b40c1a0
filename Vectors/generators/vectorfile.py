"""Shared helpers for the vector generators: deterministic JSON layout, hex helpers.

Every file is written with sorted top-level keys, one test object per line, so diffs of
regenerated files stay small and the files stay compact.
"""
import json
import os

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def hexs(b: bytes) -> str:
    return b.hex()


def _dump_tests(tests, indent):
    pad = " " * indent
    lines = [pad + json.dumps(t, separators=(",", ":"), sort_keys=False) for t in tests]
    return "[\n" + ",\n".join(lines) + "\n" + " " * (indent - 2) + "]"


def write_project_file(relpath, algorithm, source, tests, generator=None, notes=None):
    """Writes a file in the project's own format (see Vectors/README.md)."""
    for i, t in enumerate(tests, start=1):
        t.setdefault("tcId", i)
    head = {"algorithm": algorithm, "source": source}
    if generator:
        head["generator"] = generator
    if notes:
        head["notes"] = notes
    head["numberOfTests"] = len(tests)
    text = "{\n"
    for k, v in head.items():
        text += f'  {json.dumps(k)}: {json.dumps(v)},\n'
    text += '  "tests": ' + _dump_tests(tests, 4) + "\n}\n"
    _write(relpath, text)


def write_wycheproof_file(relpath, algorithm, schema, header, notes, groups, generator):
    """Writes a file in the public Wycheproof JSON schema (testGroups[].tests[])."""
    tc = 0
    for g in groups:
        for t in g["tests"]:
            tc += 1
            t["tcId"] = tc
    text = "{\n"
    head = {"algorithm": algorithm, "schema": schema, "generatorVersion": "korium-1",
            "numberOfTests": tc, "header": header, "notes": notes, "generator": generator}
    for k, v in head.items():
        text += f'  {json.dumps(k)}: {json.dumps(v)},\n'
    text += '  "testGroups": [\n'
    gtexts = []
    for g in groups:
        gt = "    {\n"
        for k, v in g.items():
            if k == "tests":
                continue
            gt += f'      {json.dumps(k)}: {json.dumps(v)},\n'
        gt += '      "tests": ' + _dump_tests(g["tests"], 8) + "\n    }"
        gtexts.append(gt)
    text += ",\n".join(gtexts) + "\n  ]\n}\n"
    _write(relpath, text)


def _write(relpath, text):
    path = os.path.join(ROOT, relpath)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    json.loads(text)  # the file must parse
    with open(path, "w") as f:
        f.write(text)
    print(f"wrote {relpath} ({len(text)} bytes)")
