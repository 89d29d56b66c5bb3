#!/usr/bin/env python3
"""Property: `cpl run --jobs N` writes exactly what one job writes (standard output, standard
error and exit status), in input order, for any N, in every format. The batch is N generated
studies (self_consistency.py's generator) with, in between, lines that are no case: a blank
line, broken JSON, an unknown field; each JSON error line names the input line it stands for.
Usage: jobs_identical.py CPL [N]."""
import os
import random
import subprocess
import sys
import tempfile
import json

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from self_consistency import study  # noqa: E402

BAD = ["", "{\"id\": \"broken\", \"diagnoses\": [\"G56.01\",}", "{\"id\": \"odd\", \"extremitys\": []}"]


def wrong_inputs(out, batch):
    """One output line per input line: each error line's "input" names its own line."""
    wrong = 0
    for number, line in enumerate(out.decode().splitlines(), 1):
        result = json.loads(line)
        if "error" in result and result.get("input") != f"{batch}:{number}":
            print(f"FAIL: output line {number} is an error of input {result.get('input')!r}")
            wrong += 1
    return wrong


def main():
    cpl = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    rng = random.Random(20261129)
    lines = []
    for i in range(n):
        lines.append(json.dumps(study(rng, i)))
        if i % 97 == 0:
            lines.append(BAD[(i // 97) % len(BAD)])
    with tempfile.TemporaryDirectory() as tmp:
        batch = os.path.join(tmp, "batch.jsonl")
        with open(batch, "w") as f:
            f.write("\n".join(lines) + "\n")
        failures = 0
        for flags in (["--format", "json"], ["--format", "text", "--explain"]):
            runs = {}
            for jobs in (1, 2, 5):
                p = subprocess.run([cpl, "run", *flags, "--jobs", str(jobs), batch],
                                   capture_output=True)
                runs[jobs] = (p.returncode, p.stdout, p.stderr)
            one = runs[1]
            if one[0] != 1 or not one[1]:
                print(f"FAIL {flags}: one job: exit {one[0]}, {len(one[1])} bytes out")
                failures += 1
            for jobs, got in runs.items():
                if got != one:
                    print(f"FAIL {flags}: --jobs {jobs} differs from --jobs 1 "
                          f"(exit {got[0]} vs {one[0]}, {len(got[1])} vs {len(one[1])} bytes out, "
                          f"{len(got[2])} vs {len(one[2])} bytes err)")
                    failures += 1
            if flags[1] == "json":
                failures += wrong_inputs(runs[1][1], batch)
        out_lines = runs[1][1].count(b"\n")
        print(f"{len(lines)} input lines; text output {out_lines} lines; "
              f"{'ok' if not failures else f'{failures} failed'}")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
