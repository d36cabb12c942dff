#!/usr/bin/env python3
"""Validate SBOM files with the official tools.

CycloneDX: the official 1.6 JSON schema (cyclonedx-python-lib, strict validator).
SPDX: pyspdxtools (spdx-tools) validation, then ntia-checker (ntia-conformance-checker):
NTIA minimum elements conformant and no component left out of the graph from the root.

Usage: validate.py FILE...   (format detected from the content; exit 1 on any problem)
"""

import json
import os
import subprocess
import sys


def _tool(name):
    """A console script installed next to this interpreter (the venv's bin/), else on PATH."""
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    return candidate if os.path.exists(candidate) else name


def cyclonedx_problems(text):
    """Problems of a CycloneDX 1.6 JSON document against the official schema."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    doc = json.loads(text)
    if doc.get("specVersion") != "1.6":
        return [f"specVersion is {doc.get('specVersion')!r}, expected '1.6'"]
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    return [] if error is None else [str(error)]


def spdx_problems(path):
    """Problems of an SPDX 2.3 JSON file: pyspdxtools validation and NTIA conformance."""
    problems = []
    run = subprocess.run([_tool("pyspdxtools"), "-i", path], capture_output=True, text=True)
    if run.returncode != 0:
        problems.append("pyspdxtools: " + (run.stderr or run.stdout).strip()[-2000:])
    run = subprocess.run(
        [_tool("ntia-checker"), "--skip-validation", "-r", "json", path],
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        return problems + ["ntia-checker: no JSON report: " + run.stderr.strip()[-2000:]]
    if not report.get("isNtiaConformant"):
        failed = [k for k, v in report.items() if v is False]
        problems.append(f"ntia-checker: not NTIA conformant (false: {failed})")
    floating = report.get("graphValidation", {}).get("floatingComponents", {})
    if floating.get("floatingComponentCount", 0):
        problems.append(
            f"ntia-checker: {floating['floatingComponentCount']} components not reachable "
            "from the document root"
        )
    return problems


def problems_of(path):
    """Problems of one SBOM file, whichever its format."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    doc = json.loads(text)
    if doc.get("bomFormat") == "CycloneDX":
        return cyclonedx_problems(text)
    if str(doc.get("spdxVersion", "")).startswith("SPDX-"):
        return spdx_problems(path)
    return ["neither CycloneDX nor SPDX JSON"]


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    failed = False
    for path in paths:
        problems = problems_of(path)
        for problem in problems:
            print(f"{path}: {problem}", file=sys.stderr)
        print(f"{path}: {'INVALID' if problems else 'valid'}")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
