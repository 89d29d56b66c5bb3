#!/usr/bin/env python3
"""The diagnostic catalogue tells the truth: every `$ cpl …` command that docs/diagnostics.md
shows is run, against the example files its section shows, and must print what the section
shows after it, by the rules of doc_commands.py (standard output then standard error; a shown
line ending in ` …` stands for a printed line that begins with the text before it, and a last
such line for the rest of the output; a line `…` alone for any number of lines).
Usage: diagnostic_examples.py CPL ROOT [--show] (--show prints the whole output of each
command that prints otherwise, to paste into the doc once it is judged right).

How a section lays out its example (a section runs from a `##` or `###` heading to the next):

- A fenced block whose first line is `# NAME` is a file block: NAME is a relative path with an
  extension (`policy.cpl`, `base.cpl`, `data/mue.csv`), optionally followed by a note in
  parentheses (`# mue.csv (empty)`). Each later line `# NAME` in the block starts another file,
  so one block may show a policy and its base. A block with no line after its label is an
  empty file; a label that ends in `/` (`# empty_dir/`) is an empty directory.
- A ```console block holds the commands: `$ cpl ARGS` (or `$ build/cpl ARGS`), then what it
  prints. Any other `$` line is an error here.
- Each command runs in a fresh directory, SCRATCH/ex/CODE (CODE is the section's code, e.g.
  `load.extends_cycle`), holding the files its section shows above it (a later block of a name
  replaces the earlier one) and the files shown in "The catalogue", the introduction before
  the first code (the one-extremity `case.json` of the evaluation examples), unless the section
  shows its own of that name. The shell runs the arguments, so `> /dev/full` redirects.
  An absolute path the command prints is shown as written in the docs: the directory's real
  path is printed as `/tmp/ex/CODE`.
- A command runs from the repository root instead when an argument names a path that exists
  in the repository and is not a file of its section (`cpl test tests/golden/diagnostics`,
  `cpl test README.md`). Options, redirections and absolute paths are not looked at.
- A file block with a line `…` (or a line ending in ` …`) abridges files too large or too
  repetitive to show (500 nested parentheses, a chain of 35 policies, bytes that are not
  UTF-8). Its files are written by a generator in GENERATED below, keyed by the section's code
  and the block's number among its abridged blocks; the block must show what the generator
  writes by the same rules as output (each file as its `# NAME` line and its lines), so the
  doc and the generator cannot drift apart. An abridged block without a generator, or a
  generator no block uses, is an error.
- A command that needs an environment a file cannot give is run as SETUP below says; the
  reason is printed with each run, so no example is left out silently.

SCRATCH is a new temporary directory whose parents hold no policy `extends NAME` could find by
name (a stray /tmp/acme/acme.cpl would make `extends acme` resolve); the first such among
$TMPDIR, /tmp, /dev/shm, /var/tmp and the current directory is used."""
import os
import re
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from doc_commands import first_difference, same, shows  # noqa: E402  (the matching rules are shared)

DOC = os.path.join("docs", "diagnostics.md")
LABEL = re.compile(r"# ((?:[\w.-]+/)*(?:[\w-][\w.-]*\.\w+|[\w.-]+/))(?: \(.*\))?$")
SHOWN_DIR = "/tmp/ex"
TIME_LIMIT = 30  # seconds for one command


# Generators of abridged examples: (section code, abridged block number) -> [(path, content)].
def too_deep_parentheses():
    return [("policy.cpl", "policy p\ndef x =\n" + "((((((((((\n" * 50 + "1" + ")" * 500 + "\n")]


def too_deep_chain():
    return [("policy.cpl", "policy p\ndef big = " + " + ".join(["1"] * 20000) + "\n")]


def invalid_utf8():
    return [("policy.cpl", b'policy p\nrule r when true bill 95860\n  cite "bad \xff\xfe utf"\n')]


def control_character():
    return [("policy.cpl", b'policy p "Acme \x1b[1mbold\x1b[0m"\n')]


def chain_too_long():
    files = [("policy.cpl", 'policy c0 extends "c1.cpl"\n')]
    files += [(f"c{n}.cpl", f'policy c{n} extends "c{n + 1}.cpl"\n') for n in range(1, 34)]
    return files + [("c34.cpl", "policy c34\n")]


def include_too_deep():
    files = [("policy.cpl", 'policy p\ninclude "p1.cpl"\n')]
    files += [(f"p{n}.cpl", f'include "p{n + 1}.cpl"\n') for n in range(1, 17)]
    return files + [("p17.cpl", "def x = 1\n")]


def too_many_files():
    files = [("policy.cpl", 'policy p\ninclude "w1.cpl"\ninclude "w1.cpl"\n')]
    files += [(f"w{n}.cpl", f'include "w{n + 1}.cpl"\n' * 2) for n in range(1, 12)]
    return files + [("w12.cpl", "def x = 1\n")]


def definitions_too_deep():
    lines = [f"def d{n} = d{n + 1} + 1\n" for n in range(3000)]
    return [("policy.cpl", "policy p\n" + "".join(lines) + "def d3000 = 1\n")]


def too_many_types():
    lines = [f"def g{n}(x) = if count(case.diagnoses) > {n} then g{n - 1}([x]) "
             f"else g{n - 1}({{a: x}})\n" for n in range(1, 15)]
    return [("policy.cpl", "policy p\ndef g0(x) = x\n" + "".join(lines)
             + 'rule r\n  when count([g14(1)]) > 0\n  bill 95860\n  cite "c"\n')]


def calls_too_deep():
    lines = [f"def f{n}(n) = f{n + 1}(n)\n" for n in range(1000)]
    return [("policy.cpl", "policy p\n" + "".join(lines) + "def f1000(n) = n\n"
             + 'rule r when f0(1) == 1 bill 95860 cite "c"\n')]


def memory():
    lines = [f"def l{n} = l{n - 1} + l{n - 1}\n" for n in range(1, 31)]
    return [("policy.cpl", "policy p\ndef l0 = [count(case.extremities), 2]\n" + "".join(lines)
             + 'rule r when count(l30) > 0 bill 95860 cite "c"\n')]


GENERATED = {
    ("parse.invalid_utf8", 1): invalid_utf8,
    ("parse.control_character", 1): control_character,
    ("parse.too_deep", 1): too_deep_parentheses,
    ("parse.too_deep", 2): too_deep_chain,
    ("load.chain_too_long", 1): chain_too_long,
    ("load.include_too_deep", 1): include_too_deep,
    ("load.too_many_files", 1): too_many_files,
    ("check.too_deep", 1): definitions_too_deep,
    ("check.too_many_types", 1): too_many_types,
    ("eval.too_deep", 1): calls_too_deep,
    ("eval.memory", 1): memory,
}


# Commands that need an environment: section code -> (reason, function run in the child).
def no_room():
    # A file size limit of 0 makes every write of a regular file fail with EFBIG ("File too
    # large"). The limit also raises SIGXFSZ, which cpl ignores itself (its default would kill
    # it with the file half made), so it is left at its default here.
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


SETUP = {
    "fmt.cannot_write": ("run with a file size limit of 0, so writing the formatted file fails "
                         "(File too large)", no_room),
}


def sections(lines):
    """[(code, heading line number, [(line number, line)])] for each `##`/`###` section; the
    code is the heading's `code`, or its words joined by `_` (`the_catalogue`)."""
    out = []
    fenced = False
    for number, line in enumerate(lines, 1):
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and (line.startswith("## ") or line.startswith("### ")):
            title = line.lstrip("#").strip()
            m = re.fullmatch(r"`([\w.]+)`", title)
            code = m.group(1) if m else re.sub(r"[^\w]+", "_", title).strip("_").lower()
            out.append((code, number, []))
        if out:
            out[-1][2].append((number, line))
    return out


def blocks(section_lines):
    """(first line number, info string, [(line number, line)]) for each fenced block."""
    out = []
    current = None
    for number, line in section_lines:
        if line.startswith("```"):
            if current is None:
                current = (number, line[3:].strip(), [])
            else:
                out.append(current)
                current = None
        elif current is not None:
            current[2].append((number, line))
    return out


def file_block(lines):
    """[(path, [content lines])] of a block whose first line is a label, else None."""
    if not lines or not LABEL.match(lines[0][1]):
        return None
    files = []
    for _, line in lines:
        m = LABEL.match(line)
        if m:
            files.append((m.group(1), []))
        else:
            files[-1][1].append(line)
    return files


def abridged(lines):
    return any(text == "…" or text.endswith(" …") for _, text in lines)


def as_bytes(content):
    return content if isinstance(content, bytes) else content.encode("utf-8")


def rendering(files):
    """A generator's files as a file block shows them: `# NAME` and the file's lines."""
    out = []
    for path, content in files:
        out.append(f"# {path}")
        text = as_bytes(content).decode("utf-8", errors="replace")
        out += text[:-1].split("\n") if text.endswith("\n") else text.split("\n")
    return out


def console(lines):
    """[(line number, args, expected lines)] of a console block; raises on a `$` line that
    is not a cpl command."""
    out = []
    for number, line in lines:
        if line.startswith("$ "):
            m = re.match(r"\$ (?:build/)?cpl (.*)", line)
            if not m:
                raise ValueError(f"line {number}: `{line}` is not a cpl command")
            out.append((number, m.group(1), []))
        elif out:
            out[-1][2].append(line)
        elif line.strip():
            raise ValueError(f"line {number}: output before any `$ cpl` command")
    return out


def arguments(args):
    """The arguments of a command line that may name files: not options, not redirections
    and their targets, not absolute paths."""
    out = []
    words = shlex.split(args)
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if re.fullmatch(r"\d?[<>]{1,2}|&>", word):
            skip = True
            continue
        if word.startswith("-") or word.startswith("/") or re.match(r"\d?[<>]", word):
            continue
        out.append(word)
    return out


def write(directory, files):
    for path, content in files.items():
        full = os.path.join(directory, path)
        if path.endswith("/"):
            os.makedirs(full, exist_ok=True)
            continue
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(as_bytes(content))


def clean_scratch_parent(names):
    """A directory for SCRATCH from whose parents `extends NAME` finds none of names."""
    candidates = [os.environ.get("TMPDIR"), tempfile.gettempdir(), "/tmp", "/dev/shm",
                  "/var/tmp", os.getcwd()]
    rejected = []
    seen = set()
    for candidate in candidates:
        if candidate in seen:
            continue
        seen.add(candidate)
        if not candidate or not os.path.isdir(candidate) or not os.access(candidate, os.W_OK):
            continue
        here = os.path.realpath(candidate)
        stray = None
        while True:
            for name in names:
                for found in (os.path.join(here, f"{name}.cpl"),
                              os.path.join(here, name, f"{name}.cpl")):
                    if os.path.exists(found):
                        stray = found
            parent = os.path.dirname(here)
            if stray or parent == here:
                break
            here = parent
        if not stray:
            return candidate, rejected
        rejected.append(f"{candidate} (a parent holds {stray})")
    raise SystemExit("FAIL: no temporary directory without a stray policy above it: "
                     + "; ".join(rejected))


def main():
    cpl, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    show = sys.argv[3:] == ["--show"]
    with open(os.path.join(root, DOC), encoding="utf-8") as f:
        lines = f.read().split("\n")
    started = time.monotonic()
    problems = []   # malformed examples: the layout rules above are broken
    failures = 0
    ran = 0
    notes = []      # every example run other than plainly, with its reason
    used_generators = set()
    shared = {}     # files of "The catalogue"
    plan = []       # (code, line, args, expected, files, root?, setup)

    for code, _, section_lines in sections(lines):
        files = {}
        abridged_count = 0
        unread = None   # the first file block after the section's last command
        for start, info, body in blocks(section_lines):
            shown = file_block(body)
            if shown is not None:
                unread = unread or start
                if abridged(body):
                    abridged_count += 1
                    key = (code, abridged_count)
                    generator = GENERATED.get(key)
                    if not generator:
                        problems.append(f"{DOC}:{start}: `{code}` abridges a file block (`…`), "
                                        f"but no generator writes it (GENERATED {key})")
                        continue
                    used_generators.add(key)
                    made = generator()
                    want = [text for _, text in body]
                    got = rendering(made)
                    if not shows(want, got):
                        stray = next((f"`{w[:80]}` is in no file it writes" for w in want
                                      if w != "…" and not any(same(w, g) for g in got)),
                                     "the shown lines are not in the order it writes them")
                        problems.append(f"{DOC}:{start}: the block does not show what generator "
                                        f"{generator.__name__} writes: {stray}")
                    for path, content in made:
                        files[path] = content
                    notes.append(f"{DOC}:{start} `{code}`: files written by {generator.__name__}")
                else:
                    for path, content in shown:
                        if path.endswith("/") and content:
                            problems.append(f"{DOC}:{start}: directory {path} has content")
                        files[path] = "\n".join(content) + "\n" if content else ""
                continue
            if info != "console":
                continue
            try:
                shown_commands = console(body)
            except ValueError as e:
                problems.append(f"{DOC}:{start}: {e}")
                continue
            for number, args, expected in shown_commands:
                unread = None
                local = dict(shared)
                local.update(files)
                named = arguments(args)
                tops = {p.rstrip("/").split("/")[0] for p in local}
                from_root = [a for a in named if a.split("/")[0] not in tops
                             and os.path.exists(os.path.join(root, a))]
                if from_root and any(a.split("/")[0] in tops for a in named):
                    problems.append(f"{DOC}:{number}: the command names the repository's "
                                    f"{from_root[0]} and a file of its section")
                    continue
                if from_root:
                    notes.append(f"{DOC}:{number} `{code}`: run from the repository root "
                                 f"(it names {from_root[0]})")
                setup = SETUP.get(code)
                if setup:
                    notes.append(f"{DOC}:{number} `{code}`: {setup[0]}")
                plan.append((code, number, args, expected, local, bool(from_root), setup))
        if code == "the_catalogue":
            shared = files
        elif unread:
            problems.append(f"{DOC}:{unread}: `{code}` shows files after its last command: "
                            "no command reads them")
    for key in GENERATED:
        if key not in used_generators:
            problems.append(f"GENERATED {key}: no abridged block of the section uses it")

    names = set()
    for _, _, _, _, files, _, _ in plan:
        for content in files.values():
            text = as_bytes(content).decode("utf-8", errors="replace")
            names.update(re.findall(r"^policy \w+ extends (\w+)", text, re.M))
    names.discard("standard")
    parent, rejected = clean_scratch_parent(sorted(names))
    for r in rejected:
        notes.append(f"not used as the scratch directory: {r}")

    scratch = tempfile.mkdtemp(prefix="cpl-diagnostics-", dir=parent)
    try:
        for code, number, args, expected, files, from_root, setup in plan:
            ran += 1
            directory = os.path.join(scratch, "ex", code)
            shutil.rmtree(directory, ignore_errors=True)
            os.makedirs(directory)
            write(directory, files)
            cwd = root if from_root else directory
            begun = time.monotonic()
            try:
                p = subprocess.run(f"{shlex.quote(cpl)} {args}", shell=True, cwd=cwd,
                                   capture_output=True, timeout=TIME_LIMIT,
                                   preexec_fn=setup[1] if setup else None)
                out = (p.stdout + p.stderr).decode("utf-8", errors="replace")
                status = p.returncode
            except subprocess.TimeoutExpired:
                out, status = f"(no answer in {TIME_LIMIT} s)", None
            took = time.monotonic() - begun
            if took > 2:
                notes.append(f"{DOC}:{number} `{code}`: took {took:.1f} s")
            real = os.path.realpath(directory)
            out = out.replace(real, f"{SHOWN_DIR}/{code}")
            if real != directory:
                out = out.replace(directory, f"{SHOWN_DIR}/{code}")
            got = out.rstrip("\n").split("\n")
            want = "\n".join(expected).rstrip("\n").split("\n")
            if status is not None and status < 0:
                got.append(f"(killed by signal {-status})")
            if not shows(want, got):
                failures += 1
                print(f"FAIL {DOC}:{number} `{code}`: $ cpl {args}")
                print(first_difference(want, got))
                if show:
                    print("  it prints:\n" + "\n".join(got))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    for problem in problems:
        print(f"FAIL {problem}")
    print("Run other than plainly:")
    for note in notes:
        print(f"  {note}")
    print(f"{ran} commands shown in {DOC}, {failures} print otherwise, "
          f"{len(problems)} malformed examples ({time.monotonic() - started:.1f} s)")
    if ran < 100:
        print("FAIL: too few commands found; is the root right?")
        return 1
    return 1 if failures or problems else 0


if __name__ == "__main__":
    sys.exit(main())
