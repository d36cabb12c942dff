# llapi.bbclass: build a Vigiles manifest for every image and upload it with cargo-llapi.
#
# Enable with INHERIT += "llapi" in local.conf, or "inherit llapi" in an image recipe.
#
# Tasks:
#   do_llapi_recipe    (every recipe, sstate-cached) writes the recipe's metadata:
#                      PN, versions, CVE_PRODUCT, license, sources, patches and the CVEs
#                      they fix, CVE_STATUS decisions, layer, dependencies, Cargo.lock.
#   do_llapi_manifest  (images, sstate-cached) turns the metadata of the recipes whose
#                      packages are installed into a Vigiles manifest with
#                      "cargo-llapi yocto-manifest" and deploys it.
#   do_llapi_upload    (images, nostamp leaf after do_image_complete) runs heartbeat and
#                      upload; a dry run or spool instead when asked to.
#
# Variables hold file paths only, never key material.

LLAPI_KEY_FILE ??= ""
LLAPI_KEY_FILE[doc] = "Key file (JSON with email and key) for the LinuxLink API. Falls back to VIGILES_KEY_FILE, then to cargo-llapi's default (~/timesys/linuxlink_key). The VIGILES_KEY_FILE or LLAPI_KEY_FILE of bitbake's environment wins."
LLAPI_DASHBOARD_CONFIG ??= ""
LLAPI_DASHBOARD_CONFIG[doc] = "Dashboard config (JSON from the Vigiles UI) selecting the product or folder. Falls back to VIGILES_DASHBOARD_CONFIG; bitbake's environment wins."
LLAPI_SUBFOLDER_NAME ??= ""
LLAPI_SUBFOLDER_NAME[doc] = "Subfolder created or used under the configured product/folder. Falls back to VIGILES_SUBFOLDER_NAME; bitbake's environment wins."
LLAPI_URL ??= ""
LLAPI_URL[doc] = "Server base URL. Empty: LINUXLINK_SERVER from bitbake's environment, else cargo-llapi's default."
LLAPI_MANIFEST_NAME ??= "${IMAGE_BASENAME}"
LLAPI_MANIFEST_NAME[doc] = "Name of the manifest on Vigiles and of the files written. Falls back to VIGILES_MANIFEST_NAME."
LLAPI_MANIFEST ??= ""
LLAPI_MANIFEST[doc] = "Upload this file (e.g. the image's SPDX document) instead of the generated Vigiles manifest."
LLAPI_FORMAT ??= ""
LLAPI_FORMAT[doc] = "Also fetch the report in this format (pdf, pdfsummary, xlsx, csv, cyclonedx-vex or cyclonedx-sbom-vex) into LLAPI_DIR. Empty: only the text report."
LLAPI_UPLOAD_ONLY ??= ""
LLAPI_UPLOAD_ONLY[doc] = "1: upload without requesting a report. Falls back to VIGILES_UPLOAD_ONLY."
LLAPI_KERNEL_CONFIG ??= ""
LLAPI_KERNEL_CONFIG[doc] = "Kernel .config to send with the manifest: a path, 'auto' (the .config of the preferred kernel) or empty for none. Falls back to VIGILES_KERNEL_CONFIG."
LLAPI_UBOOT_CONFIG ??= ""
LLAPI_UBOOT_CONFIG[doc] = "U-Boot config to send with the manifest: a .config or a U-Boot build directory, 'auto' (the .config and include/autoconf.mk files of the preferred bootloader's build and of its UBOOT_MACHINE directories, merged) or empty for none. Falls back to VIGILES_UBOOT_CONFIG."
LLAPI_DRY_RUN ??= "0"
LLAPI_DRY_RUN[doc] = "1: send nothing; write the would-be request to LLAPI_DIR. BB_NO_NETWORK = 1 implies it."
LLAPI_SPOOL ??= "0"
LLAPI_SPOOL[doc] = "1: queue the upload in LLAPI_SPOOL_DIR for a later 'cargo-llapi spool flush' instead of sending it."
LLAPI_SPOOL_DIR ??= "${LLAPI_DIR}/spool"
LLAPI_SPOOL_DIR[doc] = "Spool directory used when LLAPI_SPOOL = 1."
LLAPI_ERROR_LEVEL ??= "WARNING"
LLAPI_ERROR_LEVEL[doc] = "How a failed heartbeat or upload is reported: INFO, WARNING, ERROR or FATAL (FATAL fails the build)."
LLAPI_DIR ??= "${TOPDIR}/llapi"
LLAPI_DIR[doc] = "Directory for manifests, dry-run requests and reports."
LLAPI_EXTRA_ARGS ??= ""
LLAPI_EXTRA_ARGS[doc] = "Extra arguments for 'cargo-llapi upload'."
LLAPI_BIN ??= "${STAGING_BINDIR_NATIVE}/cargo-llapi"
LLAPI_BIN[doc] = "The cargo-llapi binary; by default the one cargo-llapi-native stages."
LLAPI_META_DIR ??= "${TMPDIR}/llapi-meta/${MACHINE}"
LLAPI_META_DIR[doc] = "Where do_llapi_recipe deploys the metadata of each recipe (per MACHINE, like pkgdata)."
LLAPI_ROOTFS_MANIFEST ??= ""
LLAPI_ROOTFS_MANIFEST[doc] = "List of installed packages ('name arch version' lines). Empty: the deployed rootfs manifest of the image."

LLAPI_RECIPE_WORKDIR = "${WORKDIR}/llapi-recipe"
LLAPI_DEPLOY_WORKDIR = "${WORKDIR}/llapi-deploy"

def llapi_setting(d, name, environment=True):
    """Resolve LLAPI_<name>, falling back to VIGILES_<name>.

    With environment=True the variables of bitbake's own environment (BB_ORIGENV) win over
    the datastore, as meta-timesys does. Names are built at run time, so neither the
    environment nor these variables enter a task signature through this function; tasks list
    the datastore variables they depend on in [vardeps].
    """
    candidates = ["LLAPI_" + name, "VIGILES_" + name]
    if environment:
        origenv = d.getVar("BB_ORIGENV", False)
        if origenv:
            for var in candidates:
                value = (origenv.getVar(var) or "").strip()
                if value:
                    return value
    for var in candidates:
        value = (d.getVar(var) or "").strip()
        if value:
            return value
    return ""
llapi_setting[vardepsexclude] = "BB_ORIGENV"

def llapi_manifest_name(d):
    """The manifest name: LLAPI_MANIFEST_NAME, VIGILES_MANIFEST_NAME, or the image name."""
    if d.getVar("LLAPI_MANIFEST_NAME", False) not in (None, "${IMAGE_BASENAME}"):
        return d.getVar("LLAPI_MANIFEST_NAME")
    return (d.getVar("VIGILES_MANIFEST_NAME") or d.getVar("LLAPI_MANIFEST_NAME") or d.getVar("PN"))[:255]

def llapi_report(d, level, message):
    """Report a failure at level INFO, WARNING, ERROR or FATAL (which fails the task)."""
    if level == "INFO":
        bb.plain(message)
    elif level == "WARNING":
        bb.warn(message)
    elif level == "ERROR":
        bb.error(message)
    else:
        bb.fatal(message)

def llapi_error_level(d):
    level = (d.getVar("LLAPI_ERROR_LEVEL") or "WARNING").strip().upper()
    if level not in ("INFO", "WARNING", "ERROR", "FATAL"):
        bb.fatal("Invalid value for LLAPI_ERROR_LEVEL: %s. Choose from INFO, WARNING, ERROR or FATAL" % level)
    return level

def llapi_patch_cves(path):
    """CVE ids a patch fixes: from its file name and from its 'CVE:' header lines."""
    import re
    cve_re = re.compile(r"CVE-\d{4}-\d+", re.IGNORECASE)
    found = [m.upper() for m in cve_re.findall(os.path.basename(path))]
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError:
        return sorted(set(found))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("iso8859-1")
    for line in text.splitlines():
        if line.startswith("CVE:"):
            found.extend(m.upper() for m in cve_re.findall(line))
    return sorted(set(found))

def llapi_recipe_patches(d):
    """The patches in SRC_URI (local files), each with the CVEs it fixes."""
    patches = []
    urls = (d.getVar("SRC_URI") or "").split()
    for url in urls:
        if not url.startswith("file://"):
            continue
        params = bb.fetch2.decodeurl(url)[5]
        apply = params.get("apply")
        name = bb.fetch2.decodeurl(url)[2]
        is_patch = apply in ("yes", "1", "true") or (apply is None and name.endswith((".patch", ".diff")))
        if not is_patch:
            continue
        try:
            localpath = bb.fetch2.Fetch([url], d).localpath(url)
        except bb.fetch2.FetchError:
            localpath = ""
        patches.append({"name": os.path.basename(name), "cves": llapi_patch_cves(localpath) if localpath else []})
    return patches

def llapi_cve_status(d):
    """CVE_STATUS decisions (including CVE_STATUS_GROUPS) as id, detail, description."""
    decisions = {}
    for group in (d.getVar("CVE_STATUS_GROUPS") or "").split():
        status = d.getVarFlag(group, "status") or ""
        for cve in (d.getVar(group) or "").split():
            decisions[cve] = status
    for cve, status in (d.getVarFlags("CVE_STATUS") or {}).items():
        if cve.upper().startswith("CVE-") and status:
            decisions[cve] = status
    result = []
    for cve in sorted(decisions):
        detail, _, description = decisions[cve].partition(":")
        result.append({"id": cve, "detail": detail.strip(), "description": description.strip()})
    return result

def llapi_src_checksums(d):
    """sha256 checksums given for the non-local entries of SRC_URI."""
    sums = []
    for url in (d.getVar("SRC_URI") or "").split():
        if url.startswith("file://"):
            continue
        name = bb.fetch2.decodeurl(url)[5].get("name", "default")
        flag = "sha256sum" if name == "default" else name + ".sha256sum"
        value = d.getVarFlag("SRC_URI", flag)
        if value:
            sums.append({"algorithm": "SHA256", "value": value})
    return sums

def llapi_provider(d, dep):
    """The recipe providing a build dependency: its preferred provider for virtual/ names."""
    if dep.startswith("virtual/"):
        return d.getVar("PREFERRED_PROVIDER_" + dep) or dep
    return dep

def llapi_cargo_lock(d):
    """The Cargo.lock of a recipe that inherits cargo, or None."""
    if not (bb.data.inherits_class("cargo", d) or bb.data.inherits_class("cargo_common", d)):
        return None
    candidates = [d.getVar("CARGO_LOCK_PATH") or ""]
    manifest = d.getVar("CARGO_MANIFEST_PATH") or ""
    if manifest:
        candidates.append(os.path.join(os.path.dirname(manifest), "Cargo.lock"))
    candidates.append(os.path.join(d.getVar("S"), d.getVar("CARGO_SRC_DIR") or "", "Cargo.lock"))
    for path in candidates:
        # cargo_common_do_patch_paths keeps the original (with git sources) as Cargo.lock.orig
        for variant in (path + ".orig", path):
            if path and os.path.isfile(variant):
                return variant
    bb.warn("llapi: %s inherits cargo but has no Cargo.lock; its crates are left out" % d.getVar("PN"))
    return None

python do_llapi_recipe() {
    import json, shutil
    pn = d.getVar("PN")
    outdir = d.getVar("LLAPI_RECIPE_WORKDIR")
    bb.utils.mkdirhier(outdir)
    meta = {
        "pn": pn,
        "bpn": d.getVar("BPN"),
        "pv": d.getVar("PV"),
        "cve_version": d.getVar("CVE_VERSION") or d.getVar("PV"),
        "cve_product": d.getVar("CVE_PRODUCT") or d.getVar("BPN"),
        "license": d.getVar("LICENSE") or "",
        "summary": d.getVar("SUMMARY") or "",
        "homepage": d.getVar("HOMEPAGE") or "",
        "recipe": os.path.basename(d.getVar("FILE")),
        "layer": bb.utils.get_file_layer(d.getVar("FILE"), d) or "",
        "src_uri": (d.getVar("SRC_URI") or "").split(),
        "checksums": llapi_src_checksums(d),
        "patches": llapi_recipe_patches(d),
        "cve_status": llapi_cve_status(d),
        "depends": sorted(set(llapi_provider(d, dep) for dep in bb.utils.explode_deps(d.getVar("DEPENDS") or ""))),
        "rdepends": sorted(set(bb.utils.explode_deps(d.getVar("RDEPENDS:" + pn) or ""))),
        "packages": (d.getVar("PACKAGES") or "").split(),
        "cargo_lock": None,
    }
    lock = llapi_cargo_lock(d)
    if lock:
        shutil.copyfile(lock, os.path.join(outdir, pn + ".Cargo.lock"))
        meta["cargo_lock"] = pn + ".Cargo.lock"
    with open(os.path.join(outdir, pn + ".json"), "w") as f:
        json.dump(meta, f, indent=2, sort_keys=True)
}
do_llapi_recipe[doc] = "Write the recipe's metadata (versions, CVE product, license, sources, patches and CVEs, CVE_STATUS, dependencies, Cargo.lock) for llapi manifests"
do_llapi_recipe[cleandirs] = "${LLAPI_RECIPE_WORKDIR}"
do_llapi_recipe[sstate-inputdirs] = "${LLAPI_RECIPE_WORKDIR}"
do_llapi_recipe[sstate-outputdirs] = "${LLAPI_META_DIR}"
do_llapi_recipe[vardeps] += "CVE_STATUS CVE_STATUS_GROUPS CVE_PRODUCT CVE_VERSION"
SSTATETASKS += "do_llapi_recipe"
addtask do_llapi_recipe after do_patch before do_build

python do_llapi_recipe_setscene() {
    sstate_setscene(d)
}
do_llapi_recipe_setscene[doc] = "Restore the recipe's llapi metadata from sstate"
addtask do_llapi_recipe_setscene

def llapi_installed_packages(d):
    """Names of the packages installed in the image, from its rootfs manifest."""
    candidates = []
    if d.getVar("LLAPI_ROOTFS_MANIFEST"):
        candidates.append(d.getVar("LLAPI_ROOTFS_MANIFEST"))
    deploy = d.getVar("DEPLOY_DIR_IMAGE")
    if d.getVar("IMAGE_MANIFEST"):
        candidates.append(os.path.join(deploy, os.path.basename(d.getVar("IMAGE_MANIFEST"))))
    if d.getVar("IMAGE_LINK_NAME"):
        candidates.append(os.path.join(deploy, d.getVar("IMAGE_LINK_NAME") + ".manifest"))
    for path in candidates:
        if os.path.isfile(path):
            with open(path) as f:
                return [line.split()[0] for line in f if line.strip()]
    bb.fatal("llapi: rootfs manifest not found (tried %s); set LLAPI_ROOTFS_MANIFEST" % ", ".join(candidates))
llapi_installed_packages[vardepsexclude] = "DATETIME DATE TIME"

def llapi_package_recipe(d, package):
    """The PN that built a runtime package, from pkgdata; None if unknown."""
    path = os.path.join(d.getVar("PKGDATA_DIR"), "runtime-reverse", package)
    try:
        with open(path) as f:
            for line in f:
                if line.startswith("PN:"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None

def llapi_pkgdata_recipe(d, pn, package):
    """What pkgdata says about a recipe without llapi metadata: its version and license."""
    fields = {}
    try:
        with open(os.path.join(d.getVar("PKGDATA_DIR"), "runtime-reverse", package)) as f:
            for line in f:
                key, _, value = line.partition(": ")
                fields[key] = value.strip()
    except OSError:
        pass
    pv = fields.get("PV", "")
    return {"pn": pn, "pv": pv, "cve_version": pv, "cve_product": pn,
            "license": fields.get("LICENSE:" + package, fields.get("LICENSE", "")),
            "packages": [package], "rdepends": [], "depends": []}

def llapi_layers(d):
    layers = {}
    for collection in (d.getVar("BBFILE_COLLECTIONS") or "").split():
        pattern = (d.getVar("BBFILE_PATTERN_" + collection) or "").lstrip("^").rstrip("/")
        layers[collection] = {"path": pattern}
    return layers

def llapi_image_metadata(d):
    """The metadata of the image and of every recipe whose packages it installs."""
    import datetime, json
    meta_dir = d.getVar("LLAPI_META_DIR")
    installed = {}
    for package in llapi_installed_packages(d):
        pn = llapi_package_recipe(d, package)
        if pn is None:
            bb.warn("llapi: no pkgdata for installed package %s; left out of the manifest" % package)
            continue
        installed.setdefault(pn, []).append(package)
    package_pn = {}
    recipes = []
    without_metadata = []
    for pn in sorted(installed):
        path = os.path.join(meta_dir, pn + ".json")
        try:
            with open(path) as f:
                recipe = json.load(f)
        except FileNotFoundError:
            # The recipe does not inherit the class (e.g. "inherit llapi" in the image only).
            recipe = llapi_pkgdata_recipe(d, pn, installed[pn][0])
            without_metadata.append(pn)
        except (OSError, ValueError) as e:
            bb.fatal("llapi: metadata of %s is unreadable: %s" % (pn, e))
        recipe["installed"] = sorted(installed[pn])
        if recipe.get("cargo_lock"):
            recipe["cargo_lock"] = os.path.join(meta_dir, recipe["cargo_lock"])
        for package in recipe.get("packages", []):
            package_pn[package] = pn
        recipes.append(recipe)
    if without_metadata:
        bb.warn("llapi: %d recipes have no llapi metadata (%s); they are listed from pkgdata only, without "
                "patches, CVE_STATUS or crates. Use INHERIT += \"llapi\" to get them all."
                % (len(without_metadata), " ".join(without_metadata)))
    # Runtime dependencies are package names; name the recipes that provide them.
    for recipe in recipes:
        rdeps = set()
        for dep in recipe.get("rdepends", []):
            rdeps.add(package_pn.get(dep) or llapi_package_recipe(d, dep) or dep)
        recipe["rdepends"] = sorted(rdeps - {recipe["pn"]})
    return {
        "format": "llapi-yocto-metadata",
        "version": 1,
        "image": {
            "name": llapi_manifest_name(d),
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "image": d.getVar("IMAGE_BASENAME") or d.getVar("PN"),
            "machine": d.getVar("MACHINE") or "",
            "distro": d.getVar("DISTRO_CODENAME") or d.getVar("DISTRO") or "",
            "distro_version": d.getVar("DISTRO_VERSION") or "",
            "layers": llapi_layers(d),
        },
        "recipes": recipes,
    }
llapi_image_metadata[vardepsexclude] = "DATETIME DATE TIME"

python do_llapi_manifest() {
    import json, shutil, subprocess
    name = llapi_manifest_name(d)
    workdir = d.getVar("LLAPI_DEPLOY_WORKDIR")
    llapi_dir = d.getVar("LLAPI_DIR")
    bb.utils.mkdirhier(workdir)
    bb.utils.mkdirhier(llapi_dir)
    metadata = os.path.join(d.getVar("T"), "llapi-metadata.json")
    with open(metadata, "w") as f:
        json.dump(llapi_image_metadata(d), f, indent=2, sort_keys=True)
    manifest = os.path.join(workdir, name + "-vigiles.json")
    cmd = [d.getVar("LLAPI_BIN"), "yocto-manifest", "--metadata", metadata, "--output", manifest, "--name", name]
    bb.note("llapi: running %s" % " ".join(cmd))
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        bb.fatal("llapi: building the manifest failed (exit %d): %s" % (result.returncode, result.stdout.strip()))
    shutil.copyfile(manifest, os.path.join(llapi_dir, name + "-vigiles.json"))
    bb.plain("llapi: manifest for %s written to %s" % (name, os.path.join(llapi_dir, name + "-vigiles.json")))
}
do_llapi_manifest[doc] = "Build the image's Vigiles manifest from the metadata of its installed recipes"
do_llapi_manifest[cleandirs] = "${LLAPI_DEPLOY_WORKDIR}"
do_llapi_manifest[sstate-inputdirs] = "${LLAPI_DEPLOY_WORKDIR}"
do_llapi_manifest[sstate-outputdirs] = "${DEPLOY_DIR_IMAGE}"
do_llapi_manifest[recrdeptask] += "do_llapi_recipe do_packagedata"
do_llapi_manifest[depends] += "cargo-llapi-native:do_populate_sysroot"
do_llapi_manifest[vardeps] += "LLAPI_MANIFEST_NAME VIGILES_MANIFEST_NAME LLAPI_ROOTFS_MANIFEST"
do_llapi_manifest[vardepsexclude] += "DATETIME DATE TIME"
# Listed for every recipe: sstate.bbclass reads the list before anonymous python adds the task to images.
SSTATETASKS += "do_llapi_manifest"

python do_llapi_manifest_setscene() {
    sstate_setscene(d)
}
do_llapi_manifest_setscene[doc] = "Restore the image's llapi manifest from sstate"

def llapi_config_file(d, name, provider_var, suffix):
    """A kernel / U-Boot config to send: a path, or for 'auto' the copy do_llapi_kconfig made
    (the kernel's .config; for U-Boot a directory of its build's config files, which cargo-llapi
    merges)."""
    value = llapi_setting(d, name, environment=False)
    if value != "auto":
        return value
    provider = d.getVar(provider_var) or ""
    path = os.path.join(d.getVar("LLAPI_META_DIR"), provider + suffix)
    return path if provider and os.path.exists(path) else ""

def llapi_upload_command(d, manifest, dry_run):
    """The cargo-llapi upload command line (paths and options only, never key material)."""
    name = llapi_manifest_name(d)
    llapi_dir = d.getVar("LLAPI_DIR")
    cmd = [d.getVar("LLAPI_BIN")] + llapi_global_args(d)
    if dry_run:
        cmd.append("--dry-run")
    cmd += ["upload", manifest, "--name", name]
    if dry_run:
        cmd += ["--request-out", os.path.join(llapi_dir, name + "-request.json")]
    subfolder = llapi_setting(d, "SUBFOLDER_NAME")
    if subfolder:
        cmd += ["--subfolder", subfolder]
    if bb.utils.to_boolean(llapi_setting(d, "UPLOAD_ONLY", environment=False)):
        cmd.append("--upload-only")
    kconfig = llapi_config_file(d, "KERNEL_CONFIG", "PREFERRED_PROVIDER_virtual/kernel", ".config")
    if kconfig:
        cmd += ["--kernel-config", kconfig]
    uconfig = llapi_config_file(d, "UBOOT_CONFIG", "PREFERRED_PROVIDER_virtual/bootloader", ".uboot")
    if uconfig:
        cmd += ["--uboot-config", uconfig]
    export = d.getVar("LLAPI_FORMAT")
    if export:
        extension = {"pdfsummary": "pdf", "cyclonedx-vex": "json", "cyclonedx-sbom-vex": "json"}.get(export, export)
        cmd += ["--export-format", export, "--export-path", os.path.join(llapi_dir, "%s-report.%s" % (name, extension))]
    if not dry_run:
        # Failed uploads are kept there too, for a later 'cargo-llapi spool flush'.
        cmd += ["--spool-dir", d.getVar("LLAPI_SPOOL_DIR")]
        if bb.utils.to_boolean(d.getVar("LLAPI_SPOOL")):
            cmd.append("--offline")
    cmd += ["--report-file", os.path.join(llapi_dir, name + "-report.txt")]
    cmd += (d.getVar("LLAPI_EXTRA_ARGS") or "").split()
    return cmd
llapi_upload_command[vardepsexclude] = "BB_ORIGENV"

def llapi_global_args(d):
    """--key-file, --dashboard-config and --url as resolved from environment and datastore."""
    args = []
    key_file = llapi_setting(d, "KEY_FILE")
    if key_file:
        args += ["--key-file", key_file]
    dashboard = llapi_setting(d, "DASHBOARD_CONFIG")
    if dashboard:
        args += ["--dashboard-config", dashboard]
    url = d.getVar("LLAPI_URL")
    if not url:
        origenv = d.getVar("BB_ORIGENV", False)
        url = origenv.getVar("LINUXLINK_SERVER") if origenv else ""
    if url:
        args += ["--url", url]
    return args
llapi_global_args[vardepsexclude] = "BB_ORIGENV"

def llapi_run(d, cmd):
    """Run cargo-llapi; returns (exit code, stdout, stderr)."""
    import subprocess
    bb.note("llapi: running %s" % " ".join(cmd))
    try:
        result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        return 127, "", "cannot run %s: %s" % (cmd[0], e)
    return result.returncode, result.stdout, result.stderr

python do_llapi_upload() {
    import shutil
    name = llapi_manifest_name(d)
    llapi_dir = d.getVar("LLAPI_DIR")
    bb.utils.mkdirhier(llapi_dir)
    level = llapi_error_level(d)

    manifest = d.getVar("LLAPI_MANIFEST")
    if not manifest:
        deployed = os.path.join(d.getVar("DEPLOY_DIR_IMAGE"), name + "-vigiles.json")
        manifest = os.path.join(llapi_dir, name + "-vigiles.json")
        if os.path.isfile(deployed) and os.path.realpath(deployed) != os.path.realpath(manifest):
            # Restored from sstate: keep the copy in LLAPI_DIR current.
            shutil.copyfile(deployed, manifest)
    if not os.path.isfile(manifest):
        llapi_report(d, level, "llapi: manifest %s not found; nothing uploaded" % manifest)
        return

    dry_run = bb.utils.to_boolean(d.getVar("LLAPI_DRY_RUN")) or bb.utils.to_boolean(d.getVar("BB_NO_NETWORK"))
    spool = bb.utils.to_boolean(d.getVar("LLAPI_SPOOL"))
    bb.utils.export_proxies(d)

    if not dry_run and not spool:
        rc, out, err = llapi_run(d, [d.getVar("LLAPI_BIN")] + llapi_global_args(d) + ["heartbeat"])
        if rc != 0:
            llapi_report(d, level, "llapi: heartbeat failed (exit %d): %s\nManifest kept in %s" % (rc, (err or out).strip(), manifest))
            return

    rc, out, err = llapi_run(d, llapi_upload_command(d, manifest, dry_run))
    if rc != 0:
        llapi_report(d, level, "llapi: upload of %s failed (exit %d): %s\nManifest kept in %s" % (manifest, rc, (err or out).strip(), manifest))
        return
    if out.strip():
        bb.plain(out.rstrip())
    if dry_run:
        bb.plain("llapi: dry run, nothing sent; request written to %s" % os.path.join(llapi_dir, name + "-request.json"))
    elif spool:
        bb.plain("llapi: upload of %s queued in %s; send it with 'cargo-llapi spool flush'" % (name, d.getVar("LLAPI_SPOOL_DIR")))
}
do_llapi_upload[doc] = "Check connectivity and upload the image's manifest to Vigiles (dry run when LLAPI_DRY_RUN or BB_NO_NETWORK is set)"
# nooelint: oelint.task.network - the task exists to talk to the Vigiles server; it honours BB_NO_NETWORK itself
do_llapi_upload[network] = "1"
do_llapi_upload[nostamp] = "1"
do_llapi_upload[depends] += "cargo-llapi-native:do_populate_sysroot"
do_llapi_upload[vardeps] += "LLAPI_KEY_FILE VIGILES_KEY_FILE LLAPI_DASHBOARD_CONFIG VIGILES_DASHBOARD_CONFIG LLAPI_SUBFOLDER_NAME VIGILES_SUBFOLDER_NAME LLAPI_UPLOAD_ONLY VIGILES_UPLOAD_ONLY LLAPI_KERNEL_CONFIG VIGILES_KERNEL_CONFIG LLAPI_UBOOT_CONFIG VIGILES_UBOOT_CONFIG LLAPI_MANIFEST_NAME VIGILES_MANIFEST_NAME"
do_llapi_upload[vardepsexclude] += "BB_ORIGENV"

def llapi_wants_config(d, name):
    return llapi_setting(d, name, environment=False) == "auto"

python do_llapi_kconfig() {
    import shutil
    build, meta, pn = d.getVar("B"), d.getVar("LLAPI_META_DIR"), d.getVar("PN")
    if pn != d.getVar("PREFERRED_PROVIDER_virtual/bootloader"):
        config = os.path.join(build, ".config")
        if not os.path.isfile(config):
            bb.warn("llapi: %s not found; no config sent for %s" % (config, pn))
            return
        bb.utils.mkdirhier(meta)
        shutil.copyfile(config, os.path.join(meta, pn + ".config"))
        return
    # U-Boot: the config files of ${B} and of each UBOOT_MACHINE build directory, as they are;
    # cargo-llapi merges them at upload (like meta-timesys: enabled options, sorted).
    target = os.path.join(meta, pn + ".uboot")
    bb.utils.remove(target, recurse=True)
    copied = 0
    for sub in [""] + (d.getVar("UBOOT_MACHINE") or "").split():
        for name in (".config", os.path.join("include", "autoconf.mk")):
            source = os.path.join(build, sub, name)
            if os.path.isfile(source):
                bb.utils.mkdirhier(os.path.dirname(os.path.join(target, sub, name)))
                shutil.copyfile(source, os.path.join(target, sub, name))
                copied += 1
    if not copied:
        bb.warn("llapi: no .config in %s or its UBOOT_MACHINE directories; no config sent for %s" % (build, pn))
}
do_llapi_kconfig[doc] = "Keep the kernel's .config, or U-Boot's config files, for LLAPI_KERNEL_CONFIG / LLAPI_UBOOT_CONFIG = auto"

# nooelint: oelint.task.noanonpython - the image tasks and the kernel/U-Boot config task apply to some recipes only, which only anonymous python can decide for a class that is INHERITed globally
python () {
    pn = d.getVar("PN")
    # Each CVE_STATUS[<id>] flag is a decision of its own: make every one part of the signature.
    decisions = sorted(flag for flag in (d.getVarFlags("CVE_STATUS") or {}) if flag.upper().startswith("CVE-"))
    if decisions:
        d.appendVarFlag("do_llapi_recipe", "vardeps", " " + " ".join("CVE_STATUS[%s]" % flag for flag in decisions))
    if bb.data.inherits_class("image", d):
        bb.build.deltask("do_llapi_recipe", d)
        bb.build.deltask("do_llapi_recipe_setscene", d)
        bb.build.addtask("do_llapi_manifest", "do_llapi_upload do_build", "do_image_complete", d)
        bb.build.addtask("do_llapi_manifest_setscene", None, None, d)
        bb.build.addtask("do_llapi_upload", "do_build", "do_llapi_manifest do_image_complete", d)
        for name, provider in (("KERNEL_CONFIG", "PREFERRED_PROVIDER_virtual/kernel"),
                               ("UBOOT_CONFIG", "PREFERRED_PROVIDER_virtual/bootloader")):
            # The provider has the task only when the class is inherited globally.
            if llapi_wants_config(d, name) and d.getVar(provider) and "llapi" in (d.getVar("INHERIT") or "").split():
                d.appendVarFlag("do_llapi_upload", "depends", " %s:do_llapi_kconfig" % d.getVar(provider))
    elif pn == d.getVar("PREFERRED_PROVIDER_virtual/kernel") and llapi_wants_config(d, "KERNEL_CONFIG"):
        bb.build.addtask("do_llapi_kconfig", "do_build", "do_configure", d)
    elif pn == d.getVar("PREFERRED_PROVIDER_virtual/bootloader") and llapi_wants_config(d, "UBOOT_CONFIG"):
        # include/autoconf.mk only exists once U-Boot is compiled.
        bb.build.addtask("do_llapi_kconfig", "do_build", "do_compile", d)
}
