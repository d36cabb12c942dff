SUMMARY = "Client for the Vigiles LinuxLink API (heartbeat, signed calls, manifest uploads)"
DESCRIPTION = "cargo-llapi talks to the LinuxLink API of the Vigiles vulnerability-management \
               service. llapi.bbclass runs the native build to write and upload image manifests."
HOMEPAGE = "https://example.invalid/cargo-llapi"
BUGTRACKER = "https://example.invalid/cargo-llapi/issues"
SECTION = "devel"
CVE_PRODUCT = "cargo-llapi"
LICENSE = "MIT | Apache-2.0"
LIC_FILES_CHKSUM = "file://${COMMON_LICENSE_DIR}/MIT;md5=0835ade698e0bcf8506ecda2f7b4f302 \
                    file://${COMMON_LICENSE_DIR}/Apache-2.0;md5=89aea4e17d99a7cacdbeed46a0096b10"

SRC_URI = "git://example.invalid/cargo-llapi.git;protocol=https;branch=main"
# Bump together with PV and cargo-llapi-crates.inc (meta-llapi/scripts/update-crates-inc.py).
SRCREV = "0000000000000000000000000000000000000000"

require ${BPN}-crates.inc

inherit cargo cargo-update-recipe-crates

# The workspace root is the llapi library; build the binary crate, with the workspace's lock file.
CARGO_SRC_DIR = "cargo-llapi"
CARGO_LOCK_PATH = "${S}/Cargo.lock"

BBCLASSEXTEND = "native nativesdk"
