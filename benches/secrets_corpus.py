#!/usr/bin/env python3
# Generates a large tree and history for throughput measurements: 400 commits over
# 8,000 source files (~60 MB working tree), a few planted tokens assembled at run time.
import os, random, subprocess
random.seed(7)
import sys
root = sys.argv[1] if len(sys.argv) > 1 else "/tmp/secrets_bench/repo"
os.makedirs(root, exist_ok=True)
subprocess.run(["git", "init", "-q", root], check=True)
words = "const let var function return import export from await async if else for while class new this".split()
alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
def line():
    return " ".join(random.choice(words) + str(random.randint(0, 999)) for _ in range(10)) + ";\n"
def env(c, k, v):
    return dict(os.environ, GIT_AUTHOR_DATE=f"{1700000000+c} +0000", GIT_COMMITTER_DATE=f"{1700000000+c} +0000")
files = [f"src/m{i//100}/f{i}.ts" for i in range(8000)]
for f in files:
    p = os.path.join(root, f); os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as fh: fh.write("".join(line() for _ in range(100)))
subprocess.run(["git", "-C", root, "add", "-A"], check=True)
subprocess.run(["git", "-C", root, "-c", "user.name=b", "-c", "user.email=b@b.test", "commit", "-qm", "init"], check=True, env=env(0,0,0))
for c in range(1, 400):
    for f in random.sample(files, 20):
        with open(os.path.join(root, f), "a") as fh:
            fh.write(line())
            if random.random() < 0.01:
                fh.write("const t = '" + "ghp" + "_" + "".join(random.choice(alpha) for _ in range(36)) + "';\n")
    subprocess.run(["git", "-C", root, "add", "-A"], check=True)
    subprocess.run(["git", "-C", root, "-c", "user.name=b", "-c", "user.email=b@b.test", "commit", "-qm", f"c{c}"], check=True, env=env(c,0,0))
