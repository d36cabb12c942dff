"""The layer and the class parse with the real bb library; tasks and flags are as documented."""

import re

import bb
import pytest

from bbharness import LAYER

VARIABLES = [
    "LLAPI_KEY_FILE", "LLAPI_DASHBOARD_CONFIG", "LLAPI_SUBFOLDER_NAME", "LLAPI_URL", "LLAPI_MANIFEST_NAME",
    "LLAPI_MANIFEST", "LLAPI_FORMAT", "LLAPI_UPLOAD_ONLY", "LLAPI_KERNEL_CONFIG", "LLAPI_UBOOT_CONFIG",
    "LLAPI_DRY_RUN", "LLAPI_SPOOL", "LLAPI_ERROR_LEVEL", "LLAPI_DIR", "LLAPI_EXTRA_ARGS",
]


@pytest.mark.parametrize("release", ["scarthgap", "whinlatter", "wrynose"])
def test_layer_is_compatible_with_current_releases(make_build, release):
    d = make_build(corenames=release).parse_config()
    assert d.getVar("BBFILE_COLLECTIONS").split() == ["core", "llapi", "test"]
    assert d.getVar("LAYERDEPENDS_llapi") == "core"


def test_layer_refuses_an_unknown_core_release(make_build):
    with pytest.raises(bb.BBHandledException):
        make_build(corenames="kirkstone").parse_config()


def test_adding_the_layer_enables_nothing(make_build):
    build = make_build(inherit=False)
    d = build.parse_config()
    assert "llapi" not in (d.getVar("INHERIT") or "").split()
    statements = [l for l in (LAYER / "conf/layer.conf").read_text().splitlines() if not l.startswith("#")]
    assert not any("INHERIT" in l for l in statements)
    image = build.parse("test-image")
    assert "do_llapi_upload" not in bb.build.listtasks(image)


def test_image_recipe_can_inherit_the_class(make_build):
    build = make_build(inherit=False)
    (build.recipe_path("test-image")).write_text(build.recipe_path("test-image").read_text() + "inherit llapi\n")
    tasks = bb.build.listtasks(build.parse("test-image"))
    assert {"do_llapi_manifest", "do_llapi_upload"} <= set(tasks)


def test_upload_task_is_a_network_leaf_after_the_image(make_build):
    image = make_build().parse("test-image")
    flag = image.getVarFlag
    assert set(flag("do_llapi_upload", "deps")) == {"do_image_complete", "do_llapi_manifest"}
    assert "do_llapi_upload" in flag("do_build", "deps")
    assert flag("do_llapi_upload", "network") == "1"
    assert flag("do_llapi_upload", "nostamp") == "1"
    assert "cargo-llapi-native:do_populate_sysroot" in flag("do_llapi_upload", "depends")
    # Nothing that makes the image depends on the llapi tasks, so they cannot force a rebuild.
    for task in ("do_rootfs", "do_image", "do_image_complete"):
        assert not {"do_llapi_manifest", "do_llapi_upload"} & set(flag(task, "deps") or [])
    assert flag("do_image_complete", "nostamp") is None and flag("do_rootfs", "nostamp") is None


def test_manifest_task_is_stamped_and_cached(make_build):
    image = make_build().parse("test-image")
    flag = image.getVarFlag
    assert flag("do_llapi_manifest", "nostamp") is None
    assert "do_image_complete" in flag("do_llapi_manifest", "deps")
    assert "do_llapi_manifest" in image.getVar("SSTATETASKS").split()
    assert flag("do_llapi_manifest", "sstate-outputdirs") == image.getVar("DEPLOY_DIR_IMAGE")
    assert "do_llapi_recipe" in flag("do_llapi_manifest", "recrdeptask")
    assert "cargo-llapi-native:do_populate_sysroot" in flag("do_llapi_manifest", "depends")


def test_recipes_get_the_metadata_task_images_do_not(make_build):
    build = make_build()
    hello = build.parse("hello")
    assert "do_llapi_recipe" in bb.build.listtasks(hello)
    assert hello.getVarFlag("do_llapi_recipe", "nostamp") is None
    assert "do_llapi_upload" not in bb.build.listtasks(hello)
    assert "do_llapi_recipe" not in bb.build.listtasks(build.parse("test-image"))


@pytest.mark.parametrize("name", VARIABLES)
def test_variables_are_weak_defaults_with_doc(make_build, name):
    d = make_build().parse("test-image")
    assert d.getVarFlag(name, "doc"), name
    text = (LAYER / "classes/llapi.bbclass").read_text()
    assert re.search(r"^%s \?\?= " % name, text, re.M), name


def test_defaults(make_build):
    d = make_build().parse("test-image")
    assert d.getVar("LLAPI_MANIFEST_NAME") == "test-image"
    assert d.getVar("LLAPI_ERROR_LEVEL") == "WARNING"
    assert d.getVar("LLAPI_DIR") == d.getVar("TOPDIR") + "/llapi"


def test_local_conf_overrides_weak_defaults(make_build):
    d = make_build('LLAPI_ERROR_LEVEL = "FATAL"\nLLAPI_DIR = "/srv/llapi"').parse("test-image")
    assert d.getVar("LLAPI_ERROR_LEVEL") == "FATAL"
    assert d.getVar("LLAPI_DIR") == "/srv/llapi"


def test_cargo_llapi_recipe_parses(make_build):
    build = make_build()
    d = build.parse("cargo-llapi")
    assert d.getVar("PN") == "cargo-llapi"
    assert d.getVar("BBCLASSEXTEND").split() == ["native", "nativesdk"]
    assert bb.data.inherits_class("cargo", d)
    assert bb.data.inherits_class("cargo-update-recipe-crates", d)
    crates = [u for u in d.getVar("SRC_URI").split() if u.startswith("crate://")]
    lock = (LAYER.parent / "Cargo.lock").read_text()
    assert len(crates) == lock.count('source = "registry+https://github.com/rust-lang/crates.io-index"')
    name = crates[0].split(";name=")[1]
    assert d.getVarFlag("SRC_URI", name + ".sha256sum")


def test_auto_config_depends_on_the_kernel_task_only_when_it_exists(make_build):
    build = make_build('LLAPI_KERNEL_CONFIG = "auto"')
    assert "linux-test:do_llapi_kconfig" in build.parse("test-image").getVarFlag("do_llapi_upload", "depends")
    assert "do_llapi_kconfig" in bb.build.listtasks(build.parse("linux-test"))
    image_only = make_build('LLAPI_KERNEL_CONFIG = "auto"', inherit=False)
    image_only.recipe_path("test-image").write_text(image_only.recipe_path("test-image").read_text() + "inherit llapi\n")
    assert "do_llapi_kconfig" not in (image_only.parse("test-image").getVarFlag("do_llapi_upload", "depends") or "")
