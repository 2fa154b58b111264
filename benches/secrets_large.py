#!/usr/bin/env python3
"""Generates the large secret-scanning corpus with `git fast-import` (seconds, not the
hours of one `git commit` per step): a working tree of 50,000 TypeScript-like files
(about 210 MB) and a history of 5,000 further commits that each append to four files.

Planted along the way, assembled at run time: 10 GitHub tokens with a valid checksum in
the tree, 10 with a broken checksum (not findings), and 10 valid ones that a commit adds
and the next removes (history-only).

usage: secrets_large.py DIR [FILES] [COMMITS]
"""
import os
import random
import subprocess
import sys
import zlib

root = sys.argv[1] if len(sys.argv) > 1 else "/tmp/secrets_large/repo"
n_files = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
n_commits = int(sys.argv[3]) if len(sys.argv) > 3 else 5_000
random.seed(11)

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def b62(n):
    s = ""
    for _ in range(6):
        s = B62[n % 62] + s
        n //= 62
    return s


def token(valid=True):
    body = "".join(random.choice(B62) for _ in range(30))
    sum6 = b62(zlib.crc32(body.encode()))
    if not valid:
        sum6 = sum6[::-1] if sum6[::-1] != sum6 else "000000"
    return "ghp" + "_" + body + sum6


words = ("const let var function return import export from await async if else for "
         "while class new this").split()


def line():
    return " ".join(random.choice(words) + str(random.randint(0, 999)) for _ in range(10)) + ";\n"


def content(i):
    return "".join(line() for _ in range(60))


os.makedirs(root, exist_ok=True)
subprocess.run(["git", "init", "-q", root], check=True)
fi = subprocess.Popen(["git", "-C", root, "fast-import", "--quiet"], stdin=subprocess.PIPE)
out = fi.stdin
mark_time = 1_700_000_000


def data(b):
    out.write(b"data %d\n" % len(b))
    out.write(b)
    out.write(b"\n")


def commit(n, msg, changes):
    out.write(b"commit refs/heads/main\n")
    out.write(b"committer Bench <b@bench.test> %d +0000\n" % (mark_time + n))
    data(msg.encode())
    for kind, path, body in changes:
        if kind == "M":
            out.write(b"M 100644 inline %s\n" % path.encode())
            data(body)
        else:
            out.write(b"D %s\n" % path.encode())


files = [f"src/m{i // 100}/f{i}.ts" for i in range(n_files)]
bodies = {}
changes = []
valid_in_tree = set(random.sample(range(n_files), 10))
broken_in_tree = set(random.sample(range(n_files), 10))
for i, f in enumerate(files):
    b = content(i)
    if i in valid_in_tree:
        b += "export const gh = '" + token() + "';\n"
    if i in broken_in_tree:
        b += "export const notAToken = '" + token(valid=False) + "';\n"
    bodies[f] = b.encode()
    changes.append(("M", f, bodies[f]))
commit(0, "initial", changes)
history_only = set(range(250, n_commits, max(1, n_commits // 10)))
pending_delete = None
for c in range(1, n_commits + 1):
    changes = []
    for f in random.sample(files, 4):
        bodies[f] += line().encode()
        changes.append(("M", f, bodies[f]))
    if pending_delete:
        changes.append(("D", pending_delete, b""))
        pending_delete = None
    if c in history_only:
        pending_delete = f"ops/notes-{c}.txt"
        changes.append(("M", pending_delete, ("GITHUB_TOKEN=" + token() + "\n").encode()))
    commit(c, f"c{c}", changes)
out.close()
if fi.wait() != 0:
    sys.exit("git fast-import failed")
subprocess.run(["git", "-C", root, "symbolic-ref", "HEAD", "refs/heads/main"], check=True)
subprocess.run(["git", "-C", root, "reset", "-q", "--hard"], check=True)
print(f"{root}: {n_files} files, {n_commits + 1} commits")
