#!/usr/bin/env python3
"""tests/editors/check_grammar.py — checks editors/vscode/syntaxes/cpl.tmLanguage.json.

1. Every regular expression compiles (Python's `re`; the grammar avoids Oniguruma-only syntax).
2. Every keyword of lang/grammar.hpp (its `reserved` list and its CPL_KEYWORD lines) is
   highlighted as a keyword, and every built-in of stdlib/builtins.cpp as a built-in.
3. Every shipped .cpl file, tokenized line by line with a small TextMate-style matcher (the
   leftmost match wins, an enclosing rule's `end` wins ties), has each `#` comment scoped as a
   comment and each string literal opening scoped as a string.
4. Names are coloured by what they are, not by the word they spell: a field after `.` is a
   member even when it spells a keyword (`line.rule`, `l.units`); `case`, `claim`,
   `supported`, `reviewing` and `service_date` are language variables; a setting restated at
   column 1 (`NAME VALUE`) is a constant. Checked on sample lines and on every shipped policy.
5. The extension (editors/vscode/package.json, extension.js) starts `cpl lsp` through
   vscode-languageclient, and extension.js is valid JavaScript (`node --check`, when node is
   installed).

Usage: check_grammar.py REPOSITORY_ROOT        Exit status 0 when every check passes.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
failures = []


def fail(message):
    failures.append(message)


with open(os.path.join(root, "editors/vscode/syntaxes/cpl.tmLanguage.json"), encoding="utf-8") as f:
    grammar = json.load(f)
repository = grammar["repository"]
compiled = {}


def regex(source):
    if source not in compiled:
        compiled[source] = re.compile(source)
    return compiled[source]


# --- 1. every regex compiles -------------------------------------------------------------

def walk(node, where):
    if isinstance(node, dict):
        for key in ("match", "begin", "end"):
            if key in node:
                try:
                    regex(node[key])
                except re.error as e:
                    fail(f"{where}.{key}: {node[key]!r} does not compile: {e}")
        for key, value in node.items():
            walk(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            walk(value, f"{where}[{i}]")


walk(grammar, "grammar")
if failures:
    print("\n".join(failures))
    sys.exit(1)


def resolve(patterns):
    """Flattens `include`s into a list of match / begin-end rules."""
    out = []
    for p in patterns:
        if "include" in p:
            target = repository[p["include"][1:]]
            out += [target] if ("match" in target or "begin" in target) else resolve(target.get("patterns", []))
        elif "match" in p or "begin" in p:
            out.append(p)
        else:
            out += resolve(p.get("patterns", []))
    return out


def scopes_of_word(word, patterns):
    """Scope names given to `word` when it is matched whole by one of `patterns`."""
    names = []
    for rule in resolve(patterns):
        if "match" in rule:
            m = regex(rule["match"]).match(word)
            if m and m.end() == len(word) and "name" in rule:
                names.append(rule["name"])
    return names


# --- 2. keywords and built-ins -------------------------------------------------------------

with open(os.path.join(root, "lang/grammar.hpp"), encoding="utf-8") as f:
    grammar_hpp = f.read()
reserved_block = re.search(r"struct reserved : any_word<(.*?)> \{\};", grammar_hpp, re.S)
if not reserved_block:
    fail("lang/grammar.hpp: cannot find the `reserved` list")
    reserved = []
else:
    reserved = re.findall(r'TAO_PEGTL_STRING\( "([a-z_]+)" \)', reserved_block.group(1))
keywords = set(reserved) | set(re.findall(r"CPL_KEYWORD\( ([a-z_]+) \);", grammar_hpp))
if len(keywords) < 30:
    fail(f"lang/grammar.hpp: found only {len(keywords)} keywords")
for word in sorted(keywords):
    names = scopes_of_word(word, [{"include": "#keyword"}])
    if not any(n.startswith(("keyword.", "constant.language.")) for n in names):
        fail(f"keyword `{word}` of lang/grammar.hpp is not highlighted as a keyword")

with open(os.path.join(root, "stdlib/builtins.cpp"), encoding="utf-8") as f:
    builtins = re.findall(r'^\s*\{"([a-z_]+)",\s*"', f.read(), re.M)
if len(builtins) < 10:
    fail(f"stdlib/builtins.cpp: found only {len(builtins)} built-ins")
builtin_rx = regex(repository["builtin"]["match"])
for name in builtins:
    m = builtin_rx.match(name + "(")
    if not m or m.end() != len(name):
        fail(f"built-in `{name}` of stdlib/builtins.cpp is not highlighted as a built-in")


# --- 3. tokenizing the shipped policies ----------------------------------------------------

def tokenize(line, stack):
    """Returns [(start, end, scope)] for the line; `stack` (open begin/end rules) carries over."""
    tokens = []
    pos = 0
    while pos <= len(line):
        top = stack[-1] if stack else None
        candidates = resolve(top.get("patterns", []) if top else grammar["patterns"])
        best = None
        for rule in candidates:
            m = regex(rule.get("match") or rule["begin"]).search(line, pos)
            if m and (best is None or m.start() < best[1].start()):
                best = (rule, m)
        end = regex(top["end"]).search(line, pos) if top else None
        if end and (best is None or end.start() <= best[1].start()):
            tokens.append((end.start(), end.end(), "end:" + top.get("name", "")))
            stack.pop()
            pos = max(end.end(), pos + (1 if end.end() == end.start() else 0))
            continue
        if best is None:
            break
        rule, m = best
        if "match" in rule:
            tokens.append((m.start(), m.end(), rule.get("name", "")))
            for group, capture in rule.get("captures", {}).items():
                if m.group(int(group)) is not None and "name" in capture:
                    tokens.append((m.start(int(group)), m.end(int(group)), capture["name"]))
        else:
            tokens.append((m.start(), m.end(), "begin:" + rule.get("name", "")))
            stack.append(rule)
        pos = m.end() if m.end() > m.start() else m.end() + 1
    return tokens


def truth(line, state):
    """Where comments and top-level strings start, by the same scan as lang/parse.cpp."""
    comments, strings = [], []
    i = 0
    while i < len(line):
        c = line[i]
        top = state[-1]
        if top == "string":
            if c == "\\":
                i += 1
            elif c == '"':
                state.pop()
            elif c == "{":
                state.append(0)
        elif c == "#":
            comments.append(i)
            break
        elif c == '"':
            if len(state) == 1:
                strings.append(i)
            state.append("string")
        elif c == "{":
            state[-1] = top + 1
        elif c == "}":
            if top > 0:
                state[-1] = top - 1
            elif len(state) > 1:
                state.pop()
        i += 1
    while state[-1] == "string":  # strings end at the end of the line
        state.pop()
    return comments, strings


files = sorted(glob.glob(os.path.join(root, "stdlib/standard/*.cpl")) +
               glob.glob(os.path.join(root, "policies/**/*.cpl"), recursive=True) +
               glob.glob(os.path.join(root, "tests/golden/fmt/*.cpl")))
checked_comments = checked_strings = 0
for path in files:
    stack, state = [], [0]
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f.read().split("\n"), 1):
            tokens = tokenize(line, stack)
            comments, strings = truth(line, state)
            where = f"{os.path.relpath(path, root)}:{number}"
            for at in comments:
                checked_comments += 1
                if not any(s == at and e == len(line) and n.startswith("comment.") for s, e, n in tokens):
                    fail(f"{where}: the comment at column {at + 1} is not scoped as a comment")
            for at in strings:
                checked_strings += 1
                if not any(s == at and n.startswith("begin:string.") for s, e, n in tokens):
                    fail(f"{where}: the string at column {at + 1} is not scoped as a string")
            if line.lstrip().startswith("#") and not comments:
                fail(f"{where}: a line starting with `#` was not seen as a comment")

if checked_comments < 100 or checked_strings < 100:
    fail(f"too few comments ({checked_comments}) or strings ({checked_strings}) checked")


# --- 4. names coloured by what they are ----------------------------------------------------

def scopes_at(line, start, end):
    """Scopes of the tokens covering exactly [start, end) of a line tokenized on its own."""
    return [n for s, e, n in tokenize(line, []) if s == start and e == end]


def expect(line, word, prefix, occurrence=0):
    at = -1
    for _ in range(occurrence + 1):
        at = line.index(word, at + 1)
    names = scopes_at(line, at, at + len(word))
    if not any(n.startswith(prefix) for n in names):
        fail(f"in {line!r}, `{word}` is scoped {names or 'as nothing'}, not {prefix}…")


samples = [
    ("  when line.units > 1 and line.rule != \"x\"", "units", "variable.other.member."),
    ("  when line.units > 1 and line.rule != \"x\"", "rule", "variable.other.member."),
    ("  when line.code in supported.code", "code", "variable.other.member."),
    ("  when count(l.muscles) >= 5 and e.key in t and r.value == 1", "key", "variable.other.member."),
    ("  info \"line {line.position}\"", "position", "variable.other.member."),
    ("  when reviewing and line.code not in supported.modifiers", "modifiers", "variable.other.member."),
    ("  when reviewing and line.code not in supported.modifiers", "reviewing", "variable.language."),
    ("  when reviewing and line.code not in supported.modifiers", "supported", "variable.language."),
    ("  when service_date >= \"2025-01-01\"", "service_date", "variable.language."),
    ("  for line in claim", "claim", "variable.language."),
    ("def n = count(case.extremities)", "case", "variable.language."),
    ("def r = 1..5", "..", "keyword.operator.range."),
    ("def r = a..b", "..", "keyword.operator.range."),
    ("min_muscles_per_limb 4", "min_muscles_per_limb", "variable.other.constant."),
    ("max_limb_units_with_ncs 2 from \"2023-01-01\"", "max_limb_units_with_ncs", "variable.other.constant."),
    ("  when x > 1", "when", "keyword."),
    ("rule needle_emg", "rule", "keyword."),
    ("end", "end", "keyword."),
    ("include \"muscles.cpl\"", "include", "keyword."),
]
for line, word, prefix in samples:
    expect(line, word, prefix)
# `a..b`: `b` follows the range operator, not a member access.
if any(n.startswith("variable.other.member.") for n in scopes_at("def r = a..b", 11, 12)):
    fail("in 'def r = a..b', `b` is scoped as a member")

member_rx = re.compile(r"(?<![.\w])[a-z_]\w*\.([a-z_][a-z0-9_]*)")
# `source KEY "title"` declares a source (its words are not reserved): not a restatement.
restated_rx = re.compile(r"^(?!source\s+[A-Z])([a-z_][a-z0-9_]*)[ \t]+[^ \t#]")
checked_members = checked_restated = 0
for path in files:
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f.read().split("\n"), 1):
            where = f"{os.path.relpath(path, root)}:{number}"
            if '"' not in line and "#" not in line:
                for m in member_rx.finditer(line):
                    checked_members += 1
                    names = scopes_at(line, m.start(1), m.end(1))
                    if not any(n.startswith("variable.other.member.") for n in names):
                        fail(f"{where}: the field `{m.group(1)}` is scoped {names}, not as a member")
            m = restated_rx.match(line)
            if m and m.group(1) not in keywords:
                checked_restated += 1
                if not any(n.startswith("variable.other.constant.") for n in scopes_at(line, 0, m.end(1))):
                    fail(f"{where}: the restated setting `{m.group(1)}` is not scoped as a constant")
if checked_members < 50 or checked_restated < 3:
    fail(f"too few fields ({checked_members}) or restated settings ({checked_restated}) checked")


# --- 5. the extension ------------------------------------------------------------------------

vscode = os.path.join(root, "editors/vscode")
with open(os.path.join(vscode, "package.json"), encoding="utf-8") as f:
    package = json.load(f)
main = package.get("main", "")
if not main or not os.path.isfile(os.path.join(vscode, main)):
    fail(f"package.json: `main` ({main!r}) is not a file of editors/vscode")
if "onLanguage:cpl" not in package.get("activationEvents", []):
    fail("package.json: the extension does not activate on cpl files (onLanguage:cpl)")
if "vscode-languageclient" not in package.get("dependencies", {}):
    fail("package.json: vscode-languageclient is not a dependency")
if not any(l.get("id") == "cpl" for l in package.get("contributes", {}).get("languages", [])):
    fail("package.json: the cpl language is not contributed")
if main:
    with open(os.path.join(vscode, main), encoding="utf-8") as f:
        script = f.read()
    for needle in ("require('vscode-languageclient/node')", "args: ['lsp']", "language: 'cpl'"):
        if needle not in script:
            fail(f"{main}: does not contain {needle}")
    node = shutil.which("node")
    if node:
        result = subprocess.run([node, "--check", os.path.join(vscode, main)], capture_output=True, text=True)
        if result.returncode != 0:
            fail(f"{main}: node --check failed: {result.stderr.strip()}")
if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"ok: {len(keywords)} keywords, {len(builtins)} built-ins, {len(files)} files, "
      f"{checked_comments} comments, {checked_strings} strings, {checked_members} fields, "
      f"{checked_restated} restated settings, {len(samples)} sample names")
