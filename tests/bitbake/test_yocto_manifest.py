"""do_llapi_recipe and do_llapi_manifest run in-process and build the image's Vigiles manifest
through the real cargo-llapi binary."""

import json
import os

import bb


def test_recipe_metadata(make_build):
    build = make_build()
    hello = build.parse("hello")
    assert build.run(hello, "do_llapi_recipe") == 0, build.text()
    meta = json.loads((build.topdir / "tmp/llapi-meta/qemux86-64/hello.json").read_text())
    assert meta["pn"] == "hello" and meta["pv"] == "2.12" and meta["layer"] == "test"
    assert meta["cve_product"] == "hello" and meta["cve_version"] == "2.12"
    assert meta["patches"] == [
        {"name": "0001-fix-overflow.patch", "cves": ["CVE-2024-2222", "CVE-2024-3333"]},
        {"name": "CVE-2024-1111.patch", "cves": ["CVE-2024-1111"]},
    ]
    assert meta["cve_status"][0] == {
        "id": "CVE-2023-0001", "detail": "not-applicable-config", "description": "built without the network feature"}
    assert meta["depends"] == ["glibc", "zlib"] and meta["rdepends"] == ["libgreet"]
    assert meta["cargo_lock"] is None
    rust = build.parse("rustapp")
    assert build.run(rust, "do_llapi_recipe") == 0, build.text()
    meta = json.loads((build.topdir / "tmp/llapi-meta/qemux86-64/rustapp.json").read_text())
    assert meta["cargo_lock"] == "rustapp.Cargo.lock"
    assert "zerocopy" in (build.topdir / "tmp/llapi-meta/qemux86-64/rustapp.Cargo.lock").read_text()


def test_image_manifest(make_build):
    build = make_build()
    assert build.build_image(upload=False) == 0, build.text()
    manifest = build.manifest()
    packages = manifest["packages"]
    assert manifest["manifest_name"] == "test-image" and manifest["image"] == "test-image"
    assert manifest["machine"] == "qemux86-64" and manifest["distro"] == "wrynose"
    assert {"hello", "libgreet", "rustapp", "itoa", "zerocopy"} <= set(packages)
    hello = packages["hello"]
    assert hello["version"] == "2.12" and hello["license"] == "GPL-3.0-or-later"
    assert hello["download_location"] == "https://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz"
    assert hello["checksums"] == [{"algorithm": "SHA256", "checksum_value": "cf04af86dc085268c5f4470fbae49b18afbc221b78096aab842d934a76bad0ab"}]
    assert hello["patched_cves"] == {
        "CVE-2024-1111": ["CVE-2024-1111.patch"],
        "CVE-2024-2222": ["0001-fix-overflow.patch"],
        "CVE-2024-3333": ["0001-fix-overflow.patch"],
    }
    assert hello["dependencies"] == {"build": ["glibc", "zlib"], "runtime": ["libgreet"]}
    assert packages["zlib"]["component_type"] == ["build"]
    assert packages["libgreet"]["cve_product"] == "example:libgreet"
    assert packages["libgreet"]["cve_version"] == "1.0.4"
    assert packages["libgreet"]["cpe_id"] == ["cpe:2.3:a:example:libgreet:1.0.4:*:*:*:*:*:*:*"]
    assert hello["cpe_id"] == ["cpe:2.3:a:*:hello:2.12:*:*:*:*:*:*:*"]
    assert packages["libgreet"]["download_location"].startswith("git://example.org/libgreet.git")
    zerocopy = packages["zerocopy"]
    assert zerocopy["cve_product"] == "zerocopy" and zerocopy["version"] == "0.7.35"
    assert zerocopy["download_location"] == "pkg:cargo/zerocopy@0.7.35"
    assert zerocopy["checksums"][0]["checksum_value"].startswith("1b9b4fd18abc82b8")
    assert {"itoa", "zerocopy"} <= set(packages["rustapp"]["dependencies"]["build"])
    states = {v["id"]: v["analysis"]["state"] for v in manifest["vulnerabilities"]}
    assert states == {
        "CVE-2023-0001": "not_affected", "CVE-2023-0002": "resolved", "CVE-2024-1111": "resolved_with_pedigree",
        "CVE-2024-2222": "resolved_with_pedigree", "CVE-2024-3333": "resolved_with_pedigree"}


def test_manifest_is_deployed_under_stable_names(make_build):
    build = make_build()
    assert build.build_image(upload=False) == 0, build.text()
    d = build.parse("test-image")
    deployed = os.path.join(d.getVar("DEPLOY_DIR_IMAGE"), "test-image-vigiles.json")
    assert open(deployed).read() == (build.llapi_dir / "test-image-vigiles.json").read_text()
    first = build.manifest()
    # Running again overwrites the same files rather than adding timestamped ones.
    assert build.run(d, "do_llapi_manifest") == 0, build.text()
    assert sorted(p.name for p in build.llapi_dir.iterdir()) == ["test-image-vigiles.json"]
    assert build.manifest()["packages"] == first["packages"]


def test_manifest_task_leaves_a_stamp(make_build):
    build = make_build()
    assert build.build_image(upload=False) == 0, build.text()
    d = build.parse("test-image")
    stamps = os.listdir(os.path.dirname(d.getVar("STAMP")))
    assert any(".do_llapi_manifest" in s for s in stamps), stamps


def test_manifest_name_falls_back_to_vigiles_variable(make_build):
    build = make_build('VIGILES_MANIFEST_NAME = "from-vigiles"')
    assert build.build_image(upload=False) == 0, build.text()
    manifest = json.loads((build.llapi_dir / "from-vigiles-vigiles.json").read_text())
    assert manifest["manifest_name"] == "from-vigiles"


def test_llapi_manifest_name_wins_over_vigiles(make_build):
    build = make_build('VIGILES_MANIFEST_NAME = "from-vigiles"\nLLAPI_MANIFEST_NAME = "mine"')
    assert build.build_image(upload=False) == 0, build.text()
    assert json.loads((build.llapi_dir / "mine-vigiles.json").read_text())["manifest_name"] == "mine"


def test_image_only_inherit_lists_recipes_from_pkgdata(make_build):
    build = make_build(inherit=False)
    build.recipe_path("test-image").write_text(build.recipe_path("test-image").read_text() + "inherit llapi\n")
    for name in ("hello", "libgreet", "rustapp"):
        recipe = build.parse(name)
        assert "do_llapi_recipe" not in bb.build.listtasks(recipe)
        assert build.run(recipe, "do_packagedata") == 0
    image = build.parse("test-image")
    for task in ("do_rootfs", "do_image_complete", "do_llapi_manifest"):
        assert build.run(image, task) == 0, build.text()
    packages = build.manifest()["packages"]
    assert packages["hello"]["version"] == "2.12" and packages["hello"]["license"] == "GPL-3.0-or-later"
    assert packages["libgreet"]["license"] == "MIT"
    assert any("3 recipes have no llapi metadata" in m for m in build.messages(bb.msg.BBLogFormatter.WARNING))


def test_unreadable_recipe_metadata_fails_the_manifest_task(make_build):
    build = make_build()
    assert build.build_image(upload=False) == 0, build.text()
    image = build.parse("test-image")
    (build.topdir / "tmp/llapi-meta/qemux86-64/hello.json").write_text("{broken")
    assert build.run(image, "do_llapi_manifest") == 1
    assert any("metadata of hello is unreadable" in m for m in build.messages())
