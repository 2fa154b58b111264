"""The counts of the layering work: functions returning `Result<_, String>` (all non-test
code), `json!` and severity literals in the checks layer, and check-kind names written as
string literals outside the kind table (non-test code, comments left out).

Usage: python3 benches/house_counts.py [REPO_ROOT]   (works on the one-crate layout too)
"""
import os, re, sys

root = sys.argv[1] if len(sys.argv) > 1 else "."
os.chdir(root)
CORE_FROM_CHECKS = ("catalog.rs", "advice", "outcome.rs", "secret_rules", "secret_validate")


def rs_files(base):
    for dp, _, fn in os.walk(base):
        for f in fn:
            if f.endswith(".rs"):
                yield os.path.join(dp, f)


def non_test(path):
    name = os.path.basename(path)
    if "tests" in name or name.startswith("tests_") or "/tests/" in path:
        return ""
    s = open(path, encoding="utf-8").read()
    i = s.find("#[cfg(test)]")
    s = s if i < 0 else s[:i]
    return re.sub(r"//[^\n]*", "", s)


def checks_layer(path):
    if path.startswith("crates/checks/src/"):
        return True
    if path.startswith("src/checks/"):
        rest = path[len("src/checks/"):]
        return not rest.startswith(CORE_FROM_CHECKS)
    return path.startswith(("src/engine/", "src/monitor/", "src/net/")) or path == "src/plan.rs"


files = [p for b in ("src", "crates") if os.path.isdir(b) for p in rs_files(b)]
catalog = next(p for p in files if p.endswith("catalog.rs"))
kinds = re.findall(r'"([a-z]+\.[a-z_0-9]+)"\s*[,=]', open(catalog).read())
kinds = sorted({k for k in kinds if re.search(r'kind!\(\s*(?:\w+,\s*)?"?' + re.escape(k), open(catalog).read()) or f'= "{k}"' in open(catalog).read()})
result_string = json_checks = sev_checks = kind_lits = 0
for p in files:
    code = non_test(p)
    result_string += len(re.findall(r"fn \w+[^{;]*?->\s*Result<[^{;]*,\s*String>\s*(?:where[^{]*)?\{", code))
    if checks_layer(p):
        json_checks += code.count("json!")
        sev_checks += len(re.findall(r"Severity::(?:Blocker|High|Medium|Low|Info)\b", code))
    if p != catalog:
        kind_lits += sum(code.count(f'"{k}"') for k in kinds)
print(f"kinds in the table: {len(kinds)}")
print(f"fns returning Result<_, String>: {result_string}")
print(f"json! in the checks layer: {json_checks}")
print(f"severity literals in the checks layer: {sev_checks}")
print(f"kind-name literals outside the table: {kind_lits}")
