#!/usr/bin/env python3
"""Property: `cpl fmt` keeps every comment and is idempotent, wherever comments stand. Every
policy file of the repository (the standard set, the payers, the diagnostics goldens) is
given a comment at the end of each line that has none; `cpl fmt` must keep each of them
once, and a second `cpl fmt` must change nothing. (A comment after a payer's `cite` line moved
up a line each time, and `fmt --check` failed right after `fmt`.) Usage: fmt_comments.py CPL
ROOT."""
import glob
import os
import re
import subprocess
import sys
import tempfile


def commented(text):
    out = []
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip() and "#" not in line:
            line += f"  # c{number}"
        out.append(line)
    return "\n".join(out)


def comments(text):
    return sorted(re.findall(r"# c\d+\b", text))


def main():
    cpl, root = sys.argv[1], sys.argv[2]
    files = sorted(glob.glob(os.path.join(root, "stdlib/standard/*.cpl")) +
                   glob.glob(os.path.join(root, "policies/*.cpl")) +
                   glob.glob(os.path.join(root, "tests/golden/diagnostics/*.cpl")))
    failures = checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        for source in files:
            text = commented(open(source, encoding="utf-8").read())
            path = os.path.join(tmp, os.path.basename(source))
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            if subprocess.run([cpl, "fmt", path], capture_output=True).returncode != 0:
                continue  # a policy that does not parse is left as it is
            checked += 1
            once = open(path, encoding="utf-8").read()
            if comments(once) != comments(text):
                failures += 1
                print(f"{source}: comments lost or doubled by cpl fmt")
            subprocess.run([cpl, "fmt", path], capture_output=True)
            if open(path, encoding="utf-8").read() != once:
                failures += 1
                print(f"{source}: a second cpl fmt changed the file")
    print(f"{checked} files formatted with a comment on every line, {failures} failures")
    return 1 if failures or checked < 20 else 0


if __name__ == "__main__":
    sys.exit(main())
