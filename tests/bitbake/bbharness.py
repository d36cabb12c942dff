"""In-process BitBake harness for meta-llapi (see ../shared/reference/yocto-bitbake.md §4a).

The real `bb` library (PyPI bitbake-setup 2.19.0) parses a throw-away build: a minimal core
layer written here (bitbake.conf and the few classes llapi.bbclass relies on: base, image,
cargo), the meta-llapi layer of this repository and a test layer with an image, two C recipes
(patches with CVE tags, CVE_STATUS decisions) and a cargo recipe with a Cargo.lock. Tasks run
with bb.build.exec_task as the worker runs them; the runqueue, sstate and the network namespace
are not exercised (they need the full bitbake program).
"""

import json
import logging
import os
import sys
import textwrap
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
LAYER = REPO / "meta-llapi"

sys.path.insert(0, str(HERE / "stubs"))

import bb  # noqa: E402
import bb.build  # noqa: E402
import bb.cookerdata  # noqa: E402
import bb.parse  # noqa: E402
import bb.siggen  # noqa: E402
import bb.utils  # noqa: E402

CORE_LAYER_CONF = """\
BBPATH .= ":${LAYERDIR}"
BBFILES += "${LAYERDIR}/recipes-*/*/*.bb"
BBFILE_COLLECTIONS += "core"
BBFILE_PATTERN_core = "^${LAYERDIR}/"
BBFILE_PRIORITY_core = "5"
LAYERSERIES_CORENAMES = "wrynose"
LAYERSERIES_COMPAT_core = "wrynose"
"""

BITBAKE_CONF = """\
TMPDIR ?= "${TOPDIR}/tmp"
PN = "${@bb.parse.vars_from_file(d.getVar('FILE', False), d)[0] or 'defaultpkgname'}"
PV = "${@bb.parse.vars_from_file(d.getVar('FILE', False), d)[1] or '1.0'}"
PR = "r0"
BPN = "${PN}"
MACHINE ?= "qemux86-64"
DISTRO ?= "testdistro"
DISTRO_CODENAME ?= "wrynose"
DISTRO_VERSION ?= "6.0"
FILE_DIRNAME = "${@os.path.dirname(d.getVar('FILE', False))}"
FILESPATH = "${FILE_DIRNAME}/${BPN}-${PV}:${FILE_DIRNAME}/${BPN}:${FILE_DIRNAME}/files"
DL_DIR ?= "${TOPDIR}/downloads"
WORKDIR = "${TMPDIR}/work/${PN}/${PV}"
S ?= "${WORKDIR}/${BPN}-${PV}"
B ?= "${S}"
T = "${WORKDIR}/temp"
STAMP = "${TMPDIR}/stamps/${PN}/${PV}"
DEPLOY_DIR = "${TMPDIR}/deploy"
DEPLOY_DIR_IMAGE = "${DEPLOY_DIR}/images/${MACHINE}"
PKGDATA_DIR = "${TMPDIR}/pkgdata/${MACHINE}"
STAGING_BINDIR_NATIVE = "${WORKDIR}/recipe-sysroot-native/usr/bin"
PACKAGES ?= "${PN}"
PREFERRED_PROVIDER_virtual/kernel ?= "linux-test"
BB_SIGNATURE_HANDLER ?= "noop"
BB_RUNFMT = "run.{func}.{pid}"
BB_LOGFMT = "log.{task}.{pid}"
BB_BASEHASH_IGNORE_VARS = "TMPDIR FILE PATH PWD BB_TASKHASH BBPATH BBSERVER DL_DIR SSTATE_DIR THISDIR FILESEXTRAPATHS FILE_DIRNAME HOME LOGNAME SHELL USER FILESPATH STAGING_DIR_HOST STAGING_DIR_TARGET COREBASE PRSERV_HOST PRSERV_DUMPDIR PRSERV_DUMPFILE PRSERV_LOCKDOWN PARALLEL_MAKE CCACHE_DIR EXTERNAL_TOOLCHAIN CCACHE CCACHE_NOHASHDIR LICENSE_PATH SDKPKGSUFFIX WARN_QA WORKDIR STAMPCLEAN PKGDATA_DIR BUILD_ARCH SSTATE_PKGARCH BB_WORKERCONTEXT BB_LIMITEDDEPS BB_UNIHASH extend_recipe_sysroot DEPLOY_DIR BB_HASHEXCLUDE_COMMONPATHS BB_HASH_CODEPARSER_VALS TOPDIR"
include conf/local.conf
"""

# The parts of OE-core's base.bbclass, package and sstate classes the tests need.
BASE_BBCLASS = """\
do_fetch[noexec] = "1"
addtask fetch
do_unpack[noexec] = "1"
addtask unpack after do_fetch
do_patch[noexec] = "1"
addtask patch after do_unpack
do_configure[noexec] = "1"
addtask configure after do_patch
do_compile[noexec] = "1"
addtask compile after do_configure
do_install[noexec] = "1"
addtask install after do_compile

# Like package.bbclass: pkgdata runtime files and runtime-reverse links per package.
python do_packagedata() {
    pkgdata = d.getVar("PKGDATA_DIR")
    bb.utils.mkdirhier(os.path.join(pkgdata, "runtime"))
    bb.utils.mkdirhier(os.path.join(pkgdata, "runtime-reverse"))
    for pkg in d.getVar("PACKAGES").split():
        with open(os.path.join(pkgdata, "runtime", pkg), "w") as f:
            f.write("PN: %s\\nPV: %s\\nPKG:%s: %s\\nLICENSE:%s: %s\\n"
                    % (d.getVar("PN"), d.getVar("PV"), pkg, pkg, pkg, d.getVar("LICENSE")))
        link = os.path.join(pkgdata, "runtime-reverse", pkg)
        bb.utils.remove(link)
        os.symlink(os.path.join("..", "runtime", pkg), link)
}
addtask packagedata after do_install

do_build[noexec] = "1"
addtask build after do_packagedata

# Like sstate.bbclass after a task of SSTATETASKS ran: its sstate-inputdirs end up in its
# sstate-outputdirs.
python fakecore_sstate_install() {
    import shutil
    task = d.getVar("BB_RUNTASK")
    inputs = (d.getVarFlag(task, "sstate-inputdirs") or "").split()
    outputs = (d.getVarFlag(task, "sstate-outputdirs") or "").split()
    for src, dst in zip(inputs, outputs):
        if os.path.isdir(src):
            shutil.copytree(src, dst, dirs_exist_ok=True)
}

python () {
    for task in (d.getVar("SSTATETASKS") or "").split():
        d.appendVarFlag(task, "postfuncs", " fakecore_sstate_install")
}
"""

# The parts of image.bbclass the class reads: a rootfs manifest, deployed by do_image_complete.
IMAGE_BBCLASS = """\
IMAGE_BASENAME ?= "${PN}"
IMAGE_LINK_NAME ?= "${IMAGE_BASENAME}-${MACHINE}"
IMAGE_NAME ?= "${IMAGE_LINK_NAME}.rootfs"
IMGDEPLOYDIR = "${WORKDIR}/deploy-${PN}-image-complete"
IMAGE_MANIFEST = "${IMGDEPLOYDIR}/${IMAGE_NAME}.manifest"
PACKAGES = ""

python do_rootfs() {
    pkgdata = d.getVar("PKGDATA_DIR")
    bb.utils.mkdirhier(d.getVar("IMGDEPLOYDIR"))
    with open(d.getVar("IMAGE_MANIFEST"), "w") as out:
        for pkg in sorted(d.getVar("IMAGE_INSTALL").split()):
            with open(os.path.join(pkgdata, "runtime-reverse", pkg)) as f:
                pv = [l.split(":", 1)[1].strip() for l in f if l.startswith("PV:")][0]
            out.write("%s core2-64 %s\\n" % (pkg, pv))
}
addtask rootfs after do_patch

do_image[noexec] = "1"
addtask image after do_rootfs

python do_image_complete() {
    import shutil
    src = d.getVar("IMGDEPLOYDIR")
    dst = d.getVar("DEPLOY_DIR_IMAGE")
    shutil.copytree(src, dst, dirs_exist_ok=True)
    link = os.path.join(dst, d.getVar("IMAGE_LINK_NAME") + ".manifest")
    bb.utils.remove(link)
    os.symlink(os.path.basename(d.getVar("IMAGE_MANIFEST")), link)
}
addtask image_complete after do_image before do_build
"""

CARGO_BBCLASS = """\
CARGO_SRC_DIR ??= ""
CARGO_MANIFEST_PATH ??= "${S}/${CARGO_SRC_DIR}/Cargo.toml"
CARGO_LOCK_PATH ??= "${@ os.path.join(os.path.dirname(d.getVar('CARGO_MANIFEST_PATH')), 'Cargo.lock')}"
"""

CARGO_UPDATE_BBCLASS = """\
CARGO_LOCK_SRC_DIR ??= "${S}"
"""

TEST_LAYER_CONF = """\
BBPATH .= ":${LAYERDIR}"
BBFILES += "${LAYERDIR}/recipes-*/*/*.bb"
BBFILE_COLLECTIONS += "test"
BBFILE_PATTERN_test = "^${LAYERDIR}/"
BBFILE_PRIORITY_test = "7"
LAYERDEPENDS_test = "core"
LAYERSERIES_COMPAT_test = "kirkstone scarthgap whinlatter wrynose"
"""

HELLO_BB = """\
SUMMARY = "GNU hello"
HOMEPAGE = "https://www.gnu.org/software/hello/"
LICENSE = "GPL-3.0-or-later"
SRC_URI = "https://ftp.gnu.org/gnu/hello/hello-${PV}.tar.gz \\
           file://0001-fix-overflow.patch \\
           file://CVE-2024-1111.patch \\
           file://hello.conf \\
           "
SRC_URI[sha256sum] = "cf04af86dc085268c5f4470fbae49b18afbc221b78096aab842d934a76bad0ab"
CVE_STATUS[CVE-2023-0001] = "not-applicable-config: built without the network feature"
CVE_STATUS[CVE-2023-0002] = "fixed-version: fixed upstream in 2.10"
DEPENDS = "zlib virtual/libc"
PREFERRED_PROVIDER_virtual/libc = "glibc"
RDEPENDS:${PN} = "libgreet"
PACKAGES = "${PN} ${PN}-doc"
"""

PATCH_WITH_TAGS = """\
From 1 Mon Sep 17 00:00:00 2001
Subject: [PATCH] Fix an overflow

CVE: CVE-2024-2222 CVE-2024-3333
Upstream-Status: Backport

--- a/hello.c
+++ b/hello.c
"""

LIBGREET_BB = """\
SUMMARY = "Greeting library"
LICENSE = "MIT"
SRC_URI = "git://example.org/libgreet.git;protocol=https;branch=main"
CVE_PRODUCT = "example:libgreet"
CVE_VERSION = "1.0.4"
"""

RUSTAPP_BB = """\
SUMMARY = "A Rust application"
LICENSE = "MIT"
SRC_URI = "git://example.org/rustapp.git;protocol=https;branch=main"
S = "${FILE_DIRNAME}/rustapp-src"
inherit cargo
"""

RUSTAPP_LOCK = """\
# This file is automatically @generated by Cargo.
# It is not intended for manual editing.
version = 4

[[package]]
name = "itoa"
version = "1.0.11"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "49f1f14873335454500d59611f1cf4a4b0f786f9ac11f4312a78e4cf2566695b"

[[package]]
name = "rustapp"
version = "0.3.0"
dependencies = [
 "itoa",
 "zerocopy",
]

[[package]]
name = "zerocopy"
version = "0.7.35"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "1b9b4fd18abc82b8136838da5d50bae7bdea537c574d8dc1a34ed098d6c166f0"
"""

KERNEL_BB = """\
SUMMARY = "Test kernel"
LICENSE = "GPL-2.0-only"
B = "${WORKDIR}/build"
python do_configure() {
    bb.utils.mkdirhier(d.getVar("B"))
    with open(os.path.join(d.getVar("B"), ".config"), "w") as f:
        f.write("CONFIG_TEST_KERNEL=y\\n")
}
"""

# A U-Boot build with two configurations, each in its own directory as u-boot.inc makes them:
# .config from do_configure, include/autoconf.mk from do_compile.
UBOOT_BB = """\
SUMMARY = "Test boot loader"
LICENSE = "GPL-2.0-or-later"
B = "${WORKDIR}/build"
UBOOT_MACHINE = "a_defconfig b_defconfig"
python do_configure() {
    for config in d.getVar("UBOOT_MACHINE").split():
        bb.utils.mkdirhier(os.path.join(d.getVar("B"), config))
        with open(os.path.join(d.getVar("B"), config, ".config"), "w") as f:
            f.write("#\\n# U-Boot 2024.01 Configuration\\n#\\nCONFIG_%s=y\\nCONFIG_SHARED=y\\n# CONFIG_OFF is not set\\n"
                    % config.upper())
}
python do_compile() {
    for config in d.getVar("UBOOT_MACHINE").split():
        bb.utils.mkdirhier(os.path.join(d.getVar("B"), config, "include"))
        with open(os.path.join(d.getVar("B"), config, "include", "autoconf.mk"), "w") as f:
            f.write("CONFIG_BOARD_%s=y\\nCONFIG_SYS_HZ=1000\\n" % config.upper())
}
"""

IMAGE_BB = """\
SUMMARY = "Test image"
LICENSE = "MIT"
inherit image
IMAGE_INSTALL = "hello libgreet rustapp"
"""

RECIPES = ["hello", "libgreet", "rustapp"]


class Build:
    """A throw-away build directory with the core, llapi and test layers."""

    def __init__(self, root, local_conf="", corenames="wrynose"):
        self.root = Path(root)
        self.topdir = self.root / "build"
        self.records = []
        write(self.root / "meta-fakecore/conf/layer.conf", CORE_LAYER_CONF.replace("wrynose", corenames))
        write(self.root / "meta-fakecore/conf/bitbake.conf", BITBAKE_CONF)
        write(self.root / "meta-fakecore/classes-global/base.bbclass", BASE_BBCLASS)
        write(self.root / "meta-fakecore/classes-recipe/image.bbclass", IMAGE_BBCLASS)
        write(self.root / "meta-fakecore/classes-recipe/cargo.bbclass", CARGO_BBCLASS)
        write(self.root / "meta-fakecore/classes-recipe/cargo-update-recipe-crates.bbclass", CARGO_UPDATE_BBCLASS)
        test = self.root / "meta-test"
        write(test / "conf/layer.conf", TEST_LAYER_CONF)
        write(test / "recipes-test/hello/hello_2.12.bb", HELLO_BB)
        write(test / "recipes-test/hello/files/0001-fix-overflow.patch", PATCH_WITH_TAGS)
        write(test / "recipes-test/hello/files/CVE-2024-1111.patch", "--- a/x\n+++ b/x\n")
        write(test / "recipes-test/hello/files/hello.conf", "greeting=hi\n")
        write(test / "recipes-test/libgreet/libgreet_1.0.bb", LIBGREET_BB)
        write(test / "recipes-test/rustapp/rustapp_0.3.0.bb", RUSTAPP_BB)
        write(test / "recipes-test/rustapp/rustapp-src/Cargo.lock", RUSTAPP_LOCK)
        write(test / "recipes-test/rustapp/rustapp-src/Cargo.toml", '[package]\nname = "rustapp"\nversion = "0.3.0"\n')
        write(test / "recipes-test/images/test-image.bb", IMAGE_BB)
        write(test / "recipes-test/linux-test/linux-test_6.6.bb", KERNEL_BB)
        write(test / "recipes-test/u-boot-test/u-boot-test_2024.01.bb", UBOOT_BB)
        layers = " ".join(str(p) for p in (self.root / "meta-fakecore", LAYER, test))
        write(self.topdir / "conf/bblayers.conf", 'BBPATH = "${TOPDIR}"\nBBFILES ?= ""\nBBLAYERS = "%s"\n' % layers)
        write(self.topdir / "conf/local.conf", local_conf)
        self.data = None

    def recipe_path(self, name):
        if name == "test-image":
            return self.root / "meta-test/recipes-test/images/test-image.bb"
        if name == "cargo-llapi":
            return next((LAYER / "recipes-devtools/cargo-llapi").glob("cargo-llapi_*.bb"))
        return next((self.root / "meta-test/recipes-test" / name).glob(name + "_*.bb"))

    def parse_config(self, env=None, signatures=False):
        """Parses bblayers.conf, the layer.confs, bitbake.conf and local.conf like the cooker."""
        os.chdir(self.topdir)
        environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(self.root)}
        environment.update(env or {})
        cfg = types.SimpleNamespace(prefile=[], postfile=[], tracking=False, skip_fragments=True, env=environment)
        builder = bb.cookerdata.CookerDataBuilder(cfg)
        if signatures:
            builder.basedata.setVar("BB_SIGNATURE_HANDLER", "basic")
        builder.parseBaseConfiguration()
        self.builder = builder
        self.data = builder.data
        bb.parse.siggen = bb.siggen.init(builder.data)
        bb.parse.siggen.datacaches = {"": types.SimpleNamespace(stamp={}, stamp_extrainfo={})}
        return builder.data

    def parse(self, name):
        """The datastore of a recipe, as the cooker gives it to the worker."""
        if self.data is None:
            self.parse_config()
        path = str(self.recipe_path(name))
        layer = bb.utils.get_file_layer(path, self.data)
        d = self.builder.parseRecipe(path, [], layer)
        d.setVar("BB_FILENAME", path)
        caches = bb.parse.siggen.datacaches[""]
        caches.stamp[path] = d.getVar("STAMP")
        caches.stamp_extrainfo[path] = {}
        return d

    def run(self, d, task):
        """Runs one task like bitbake-worker; returns its exit status (0 = success)."""
        handler = Capture(self.records)
        logger = logging.getLogger("BitBake")
        logger.addHandler(handler)
        old_level = logger.level
        logger.setLevel(logging.DEBUG)
        # exec_task redirects the standard file descriptors; pytest's stand-in streams have none.
        streams = sys.stdin, sys.stdout, sys.stderr
        devnull = open(os.devnull)
        sys.stdin, sys.stdout, sys.stderr = devnull, sys.__stdout__, sys.__stderr__
        try:
            return bb.build.exec_task(d.getVar("BB_FILENAME"), task, d)
        finally:
            sys.stdin, sys.stdout, sys.stderr = streams
            devnull.close()
            logger.removeHandler(handler)
            logger.setLevel(old_level)

    def build_image(self, upload=True):
        """Runs the tasks of the three recipes and the image in dependency order.

        Returns the exit status of the last task run.
        """
        for name in RECIPES:
            d = self.parse(name)
            for task in ("do_packagedata", "do_llapi_recipe"):
                rc = self.run(d, task)
                if rc:
                    return rc
        image = self.parse("test-image")
        tasks = ["do_rootfs", "do_image_complete", "do_llapi_manifest"] + (["do_llapi_upload"] if upload else [])
        for task in tasks:
            rc = self.run(image, task)
            if rc:
                return rc
        return 0

    def messages(self, levelno=None):
        return [r.getMessage() for r in self.records if levelno is None or r.levelno == levelno]

    def text(self):
        return "\n".join("%s: %s" % (r.levelname, r.getMessage()) for r in self.records)

    @property
    def llapi_dir(self):
        return self.topdir / "llapi"

    def manifest(self):
        return json.loads((self.llapi_dir / "test-image-vigiles.json").read_text())


class Capture(logging.Handler):
    def __init__(self, records):
        super().__init__(logging.DEBUG)
        self.records_ = records

    def emit(self, record):
        self.records_.append(record)


def write(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text) if text.startswith(" ") else text)
