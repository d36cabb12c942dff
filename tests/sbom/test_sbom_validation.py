"""SBOMs of the deno benchmark graph pass the official validators, and the validators used by
the suite do reject broken documents. Run from the repository root: `pytest tests/sbom`."""

import json
import os
import pathlib
import subprocess

import pytest

import validate

REPO = pathlib.Path(__file__).resolve().parents[2]
BENCH = REPO / ".." / "shared" / "bench"


def cargo_llapi(*args, env=None):
    """Runs the cargo-llapi binary (CARGO_LLAPI_BIN, else `cargo run`) and returns the result."""
    binary = os.environ.get("CARGO_LLAPI_BIN")
    command = [binary] if binary else [os.environ.get("CARGO", "cargo"), "run", "-q", "-p", "cargo-llapi", "--"]
    return subprocess.run(command + list(args), cwd=REPO, capture_output=True, text=True, env=env)


@pytest.fixture(scope="module")
def deno(tmp_path_factory):
    """CycloneDX and SPDX manifests of the deno benchmark graph, by format name."""
    out = tmp_path_factory.mktemp("deno")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    files = {}
    for fmt in ("cyclonedx", "spdx"):
        path = out / f"deno.{fmt}.json"
        run = cargo_llapi(
            "manifest", "-q",
            "--metadata-json", str(BENCH / "deno-metadata.json"),
            "--lockfile", str(BENCH / "deno-Cargo.lock"),
            "--target", "x86_64-unknown-linux-gnu",
            "--format", fmt, "--output", str(path),
            env=env,
        )
        assert run.returncode == 0, run.stderr
        files[fmt] = path
    return files


def test_deno_cyclonedx_is_valid_1_6(deno):
    assert validate.problems_of(str(deno["cyclonedx"])) == []
    doc = json.loads(deno["cyclonedx"].read_text())
    assert doc["specVersion"] == "1.6"
    assert len(doc["components"]) > 800


def test_deno_spdx_is_valid_and_ntia_conformant(deno):
    assert validate.problems_of(str(deno["spdx"])) == []


def test_schema_violation_is_reported():
    minimal = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1}
    assert validate.cyclonedx_problems(json.dumps(minimal)) == []
    broken = dict(minimal, serialNumber="not-a-urn")
    assert validate.cyclonedx_problems(json.dumps(broken)) != []


def test_missing_supplier_is_not_ntia_conformant(deno, tmp_path):
    doc = json.loads(deno["spdx"].read_text())
    del doc["packages"][1]["supplier"]
    path = tmp_path / "no-supplier.spdx.json"
    path.write_text(json.dumps(doc))
    assert any("not NTIA conformant" in p for p in validate.problems_of(str(path)))


def test_unreachable_package_is_reported(deno, tmp_path):
    doc = json.loads(deno["spdx"].read_text())
    victim = doc["packages"][1]["SPDXID"]
    doc["relationships"] = [
        r for r in doc["relationships"]
        if victim not in (r["spdxElementId"], r["relatedSpdxElement"])
    ]
    path = tmp_path / "floating.spdx.json"
    path.write_text(json.dumps(doc))
    assert any("not reachable" in p for p in validate.problems_of(str(path)))


def test_invalid_spdx_is_reported(deno, tmp_path):
    doc = json.loads(deno["spdx"].read_text())
    doc["packages"][1]["licenseDeclared"] = "Not A License"
    path = tmp_path / "bad-license.spdx.json"
    path.write_text(json.dumps(doc))
    assert any(p.startswith("pyspdxtools") for p in validate.problems_of(str(path)))
