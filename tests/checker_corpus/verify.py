#!/usr/bin/env python3
"""Runs the checker corpus (tests/checker_corpus/README.md) against a cpl binary.

    python3 tests/checker_corpus/verify.py [CPL]        (from the repository root; CPL: build/cpl)

For each NAME.cpl: `cpl check` must report exactly one diagnostic, with the severity and code
of its `# expect:` line, at its `# at:` LINE:COL. NAME.fixed.cpl and NAME.valid.cpl must check
with exit status 0 and no diagnostic at all (no warning either). The cases beside the
NAME.valid.cpl files must pass `cpl test`. In expectations/, every NAME.case.json must FAIL
with a one-line report naming the key at fault (its `key` in expectations/keys.json), and
every NAME.fixed.case.json must pass. Prints one line per item and a summary; exit status 1
when anything does not hold.
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CPL = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, "build", "cpl")
DIAG = re.compile(r"^(?P<path>\S+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning): .* \[(?P<code>[a-z_.]+)\]$")

failures = []


def run(args):
    p = subprocess.run([CPL] + args, cwd=ROOT, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def diagnostics(path):
    rc, out = run(["check", path])
    return rc, [m.groupdict() for m in map(DIAG.match, out.splitlines()) if m], out


def report(ok, name, detail):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    if not ok:
        failures.append(name)


def header(path, key):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith(f"# {key}:"):
                return line.split(":", 1)[1].strip()
    return None


rel = os.path.relpath(HERE, ROOT)
names = sorted(f[:-4] for f in os.listdir(HERE) if f.endswith(".cpl") and f.count(".") == 1)
for name in names:
    path = os.path.join(rel, name + ".cpl")
    sev, code = header(os.path.join(HERE, name + ".cpl"), "expect").split()
    at = header(os.path.join(HERE, name + ".cpl"), "at")
    rc, diags, out = diagnostics(path)
    got = [f"{d['sev']} {d['code']} at {d['line']}:{d['col']}" for d in diags]
    want = f"{sev} {code} at {at}"
    report(got == [want], name, f"want {want}; got {'; '.join(got) or 'nothing (exit %d)' % rc}")
    fixed = os.path.join(rel, name + ".fixed.cpl")
    rc, diags, out = diagnostics(fixed)
    report(rc == 0 and not diags, name + ".fixed",
           f"exit {rc}; " + "; ".join(f"{d['sev']} {d['code']} at {d['line']}:{d['col']}" for d in diags))

for f in sorted(os.listdir(HERE)):
    if f.endswith(".valid.cpl"):
        rc, diags, out = diagnostics(os.path.join(rel, f))
        report(rc == 0 and not diags, f[:-4],
               f"exit {rc}; " + "; ".join(f"{d['sev']} {d['code']} at {d['line']}:{d['col']}" for d in diags))

valid_cases = sorted(os.path.join(rel, f) for f in os.listdir(HERE) if f.endswith(".case.json"))
rc, out = run(["test"] + valid_cases)
for case in valid_cases:
    bad = [l for l in out.splitlines() if l.startswith("FAIL " + case)]
    report(not bad, "test " + os.path.basename(case), bad[0] if bad else "")

exp_dir = os.path.join(HERE, "expectations")
with open(os.path.join(exp_dir, "keys.json"), encoding="utf-8") as f:
    keys = json.load(f)
for f in sorted(os.listdir(exp_dir)):
    if not f.endswith(".case.json"):
        continue
    case = os.path.join(rel, "expectations", f)
    rc, out = run(["test", case])
    fail_lines = [l for l in out.splitlines() if l.startswith("FAIL " + case)]
    name = f[: -len(".case.json")]
    if name.endswith(".fixed"):
        report(rc == 0 and not fail_lines, "expectations/" + name, fail_lines[0] if fail_lines else f"exit {rc}")
    else:
        key = keys[name]["key"]
        one_line = [l for l in fail_lines if l.startswith(f"FAIL {case}: ") and f'"{key}"' in l]
        report(bool(one_line), "expectations/" + name,
               f"want a one-line FAIL naming \"{key}\"; got {fail_lines[0] if fail_lines else 'a pass'}")

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
