#!/usr/bin/env python3
"""Docs tell the truth: every `$ cpl …` (or `$ build/cpl …`) command shown in a fenced block
of README.md or docs/*.md is run from the repository root, and what the block shows after it
(up to the next `$` line or the end of the block) must be exactly what it prints, standard
output then standard error. A shown line that ends in ` …` stands for a printed line that
begins with the text before it, and when the last shown line so ends, the rest of the output
may be left out; a line `…` alone stands for any number of printed lines. docs/diagnostics.md
is left to diagnostic_examples.py, which runs each of its commands in a scratch directory
holding the example files the command's section shows (the commands there read files that are
not in the repository). Usage: doc_commands.py CPL ROOT."""
import glob
import os
import re
import shlex
import subprocess
import sys


def commands(path):
    """(line number, command, expected output lines) for each `$ cpl` line of a fenced block."""
    out = []
    in_block = False
    current = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for number, line in enumerate(lines, 1):
        if line.startswith("```"):
            if current:
                out.append(current)
                current = None
            in_block = not in_block
            continue
        if not in_block:
            continue
        if line.startswith("$ "):
            if current:
                out.append(current)
                current = None
            m = re.match(r"\$ (?:build/)?cpl (.*)", line)
            if m:
                current = (number, m.group(1), [])
        elif current:
            current[2].append(line)
    return out


def same(shown, printed):
    if shown.endswith(" …"):
        return printed.startswith(shown[:-2])
    return shown == printed


def shows(want, got):
    """Whether the shown lines are the printed ones: a line `…` alone stands for any number
    of printed lines, and a last shown line ending in ` …` for the rest of the output."""
    def match(i, j):
        if i == len(want):
            return j == len(got) or (i > 0 and want[-1].endswith(" …"))
        if want[i] == "…":
            return any(match(i + 1, k) for k in range(j, len(got) + 1))
        return j < len(got) and same(want[i], got[j]) and match(i + 1, j + 1)
    return match(0, 0)


def first_difference(want, got):
    """The first line where what is shown and what is printed differ, for a FAIL report."""
    for i in range(max(len(got), len(want))):
        g = got[i] if i < len(got) else "(nothing)"
        w = want[i] if i < len(want) else "(nothing)"
        if not same(w, g):
            return f"  line {i + 1}:\n    shown:  {w}\n    prints: {g}"
    return "  (the lines match one by one, but an elision does not)"


def main():
    cpl, root = sys.argv[1], sys.argv[2]
    files = [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    failures = ran = 0
    for path in files:
        if path.endswith("diagnostics.md"):
            continue
        for number, args, expected in commands(path):
            ran += 1
            where = f"{os.path.relpath(path, root)}:{number}"
            p = subprocess.run(f"{shlex.quote(cpl)} {args}", shell=True, cwd=root,
                               capture_output=True, text=True)
            got = (p.stdout + p.stderr).rstrip("\n").split("\n")
            want = "\n".join(expected).rstrip("\n").split("\n")
            if not shows(want, got):
                failures += 1
                print(f"FAIL {where}: $ cpl {args}")
                print(first_difference(want, got))
    print(f"{ran} commands shown in the docs, {failures} print otherwise")
    if ran < 2:
        print("FAIL: too few commands found; is the root right?")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
