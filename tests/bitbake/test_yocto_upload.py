"""do_llapi_upload runs the real cargo-llapi against the real llapi-test-server."""

import json
import os
import subprocess

import bb


def param(stored, name):
    """A form parameter of a stored upload (the server keeps them as [name, value] pairs)."""
    return dict((n, v) for n, v in stored.get("params", []))[name]


def upload_build(make_build, server, key_file, extra=""):
    return make_build('LLAPI_KEY_FILE = "%s"\nLLAPI_URL = "%s"\n%s' % (key_file, server.url, extra))


def test_upload_stores_the_image_manifest(make_build, server_factory, key_file):
    server = server_factory()
    build = upload_build(make_build, server, key_file)
    assert build.build_image() == 0, build.text()
    stored = server.manifests()
    assert len(stored) == 1, server.requests()
    text, params = stored[0]
    manifest = json.loads(text)
    assert {"hello", "libgreet", "rustapp", "itoa", "zerocopy"} <= set(manifest["packages"])
    assert manifest == build.manifest()
    paths = [r.get("path") for r in server.requests()]
    assert paths[0].endswith("/heartbeat"), paths
    plain = "\n".join(build.messages(bb.msg.BBLogFormatter.PLAIN))
    assert "test-image uploaded" in plain and "Report: %s/" % server.url in plain, build.text()
    assert key_file.read_text() not in build.text()


def test_dry_run_sends_nothing(make_build, server_factory, key_file):
    server = server_factory()
    build = upload_build(make_build, server, key_file, 'LLAPI_DRY_RUN = "1"')
    assert build.build_image() == 0, build.text()
    assert server.requests() == []
    request = build.llapi_dir / "test-image-request.json"
    assert request.exists(), build.text()
    assert "test-secret-key-0123" not in request.read_text()
    assert (build.llapi_dir / "test-image-vigiles.json").exists()


def test_no_network_is_a_dry_run(make_build, server_factory, key_file):
    server = server_factory()
    build = upload_build(make_build, server, key_file, 'BB_NO_NETWORK = "1"')
    assert build.build_image() == 0, build.text()
    assert server.requests() == []
    assert (build.llapi_dir / "test-image-request.json").exists()


def test_environment_beats_local_conf(make_build, server_factory, key_file, dashboard_config, tmp_path):
    server = server_factory()
    build = upload_build(make_build, server, tmp_path / "no-such-key",
                         'LLAPI_SUBFOLDER_NAME = "from-local-conf"\nLLAPI_DASHBOARD_CONFIG = "%s"'
                         % (tmp_path / "no-such-config"))
    build.parse_config(env={"VIGILES_KEY_FILE": str(key_file), "VIGILES_SUBFOLDER_NAME": "from-env",
                            "VIGILES_DASHBOARD_CONFIG": str(dashboard_config)})
    assert build.build_image() == 0, build.text()
    assert not build.messages(bb.msg.BBLogFormatter.WARNING), build.text()
    (_, params), = server.manifests()
    assert param(params, "subfolder_name") == "from-env", params
    assert params["group_token"] == "prod-token-1", params


def test_local_conf_applies_without_environment(make_build, server_factory, key_file, tmp_path):
    server = server_factory()
    build = upload_build(make_build, server, tmp_path / "no-such-key")
    assert build.build_image() == 0, build.text()
    assert any("heartbeat failed" in m for m in build.messages(bb.msg.BBLogFormatter.WARNING)), build.text()
    assert server.manifests() == []


def test_vigiles_variables_are_honoured(make_build, server_factory, key_file, dashboard_config):
    server = server_factory()
    build = make_build('LLAPI_URL = "%s"\nVIGILES_KEY_FILE = "%s"\nVIGILES_DASHBOARD_CONFIG = "%s"\n'
                       'VIGILES_SUBFOLDER_NAME = "release-1"\nVIGILES_MANIFEST_NAME = "vigiles-name"'
                       % (server.url, key_file, dashboard_config))
    assert build.build_image() == 0, build.text()
    (text, params), = server.manifests()
    assert json.loads(text)["manifest_name"] == "vigiles-name"
    assert param(params, "subfolder_name") == "release-1", params
    assert params["group_token"] == "prod-token-1" and param(params, "folder_token") == "folder-token-1", params


def test_fatal_level_fails_the_task_on_403(make_build, server_factory, key_file):
    server = server_factory(script=[{"status": 403, "forever": True}])
    build = upload_build(make_build, server, key_file, 'LLAPI_ERROR_LEVEL = "FATAL"')
    assert build.build_image() == 1
    assert any("llapi:" in m and "failed" in m for m in build.messages(bb.msg.BBLogFormatter.CRITICAL)), build.text()
    assert (build.llapi_dir / "test-image-vigiles.json").exists()


def test_warning_level_reports_a_403_and_succeeds(make_build, server_factory, key_file):
    server = server_factory(script=[{"status": 403, "forever": True}])
    build = upload_build(make_build, server, key_file)
    assert build.build_image() == 0, build.text()
    warnings = build.messages(bb.msg.BBLogFormatter.WARNING)
    assert any("llapi:" in m and "failed" in m for m in warnings), build.text()
    assert (build.llapi_dir / "test-image-vigiles.json").exists()


def test_invalid_error_level_is_fatal(make_build, server_factory, key_file):
    server = server_factory()
    build = upload_build(make_build, server, key_file, 'LLAPI_ERROR_LEVEL = "LOUD"')
    assert build.build_image() == 1
    assert any("Invalid value for LLAPI_ERROR_LEVEL" in m for m in build.messages()), build.text()
    assert server.requests() == []


def test_spool_queues_for_a_later_flush(make_build, server_factory, key_file, binaries):
    server = server_factory()
    build = upload_build(make_build, server, key_file, 'LLAPI_SPOOL = "1"')
    assert build.build_image() == 0, build.text()
    assert server.requests() == []
    spool = build.llapi_dir / "spool"
    assert any(spool.iterdir()), build.text()
    flush = subprocess.run([str(binaries["cargo-llapi"]), "--key-file", str(key_file), "--url", server.url,
                            "spool", "flush", "--spool-dir", str(spool)], capture_output=True, text=True)
    assert flush.returncode == 0, flush.stderr
    (text, _), = server.manifests()
    assert json.loads(text) == build.manifest()


def test_uploads_another_file_when_asked(make_build, server_factory, key_file, tmp_path):
    server = server_factory()
    spdx = tmp_path / "image.spdx.json"
    spdx.write_text(json.dumps({"spdxVersion": "SPDX-2.3", "name": "test-image", "packages": []}))
    build = upload_build(make_build, server, key_file, 'LLAPI_MANIFEST = "%s"' % spdx)
    assert build.build_image() == 0, build.text()
    (text, _), = server.manifests()
    assert json.loads(text)["spdxVersion"] == "SPDX-2.3"


def test_kernel_config_auto_and_uboot_config_path(make_build, server_factory, key_file, dashboard_config, tmp_path):
    server = server_factory()
    uboot = tmp_path / "uboot.config"
    uboot.write_text("CONFIG_TEST_UBOOT=y\n")
    build = upload_build(make_build, server, key_file, 'LLAPI_DASHBOARD_CONFIG = "%s"\nLLAPI_KERNEL_CONFIG = "auto"\n'
                         'VIGILES_UBOOT_CONFIG = "%s"\nLLAPI_UPLOAD_ONLY = "1"' % (dashboard_config, uboot))
    kernel = build.parse("linux-test")
    assert "do_llapi_kconfig" in bb.build.listtasks(kernel)
    for task in ("do_configure", "do_llapi_kconfig"):
        assert build.run(kernel, task) == 0, build.text()
    image = build.parse("test-image")
    assert "linux-test:do_llapi_kconfig" in image.getVarFlag("do_llapi_upload", "depends")
    assert build.build_image() == 0, build.text()
    (_, params), = server.manifests()
    assert param(params, "kernel_config") == "CONFIG_TEST_KERNEL=y\n", params
    assert param(params, "uboot_config") == "CONFIG_TEST_UBOOT=y\n", params
    assert param(params, "upload_only") == "True", params


def test_uboot_config_auto_merges_each_configuration_build(make_build, server_factory, key_file):
    server = server_factory()
    build = upload_build(make_build, server, key_file, 'PREFERRED_PROVIDER_virtual/bootloader = "u-boot-test"\n'
                         'LLAPI_UBOOT_CONFIG = "auto"\nLLAPI_UPLOAD_ONLY = "1"')
    uboot = build.parse("u-boot-test")
    assert "do_llapi_kconfig" in bb.build.listtasks(uboot)
    assert "do_compile" in (uboot.getVarFlag("do_llapi_kconfig", "deps") or []), "runs after do_compile"
    for task in ("do_configure", "do_compile", "do_llapi_kconfig"):
        assert build.run(uboot, task) == 0, build.text()
    image = build.parse("test-image")
    assert "u-boot-test:do_llapi_kconfig" in image.getVarFlag("do_llapi_upload", "depends")
    assert build.build_image() == 0, build.text()
    (_, params), = server.manifests()
    assert param(params, "uboot_config") == (
        "#\n# U-Boot 2024.01 Configuration\n#\n"
        "CONFIG_A_DEFCONFIG=y\nCONFIG_BOARD_A_DEFCONFIG=y\nCONFIG_BOARD_B_DEFCONFIG=y\n"
        "CONFIG_B_DEFCONFIG=y\nCONFIG_SHARED=y\n"), params
    assert "kernel_config" not in [n for n, _ in params["params"]]


def test_no_config_sent_by_default(make_build, server_factory, key_file):
    server = server_factory()
    build = upload_build(make_build, server, key_file)
    assert "do_llapi_kconfig" not in bb.build.listtasks(build.parse("linux-test"))
    assert build.build_image() == 0, build.text()
    (_, params), = server.manifests()
    names = [n for n, _ in params["params"]]
    assert "kernel_config" not in names and "uboot_config" not in names and "upload_only" in names


def test_proxies_from_the_environment_are_exported(make_build, server_factory, key_file, monkeypatch):
    monkeypatch.setenv("no_proxy", "before")  # restored after the test
    server = server_factory()
    build = upload_build(make_build, server, key_file, 'LLAPI_DRY_RUN = "1"')
    build.parse_config(env={"no_proxy": "127.0.0.1,localhost,example.invalid"})
    assert build.build_image() == 0, build.text()
    assert os.environ["no_proxy"] == "127.0.0.1,localhost,example.invalid"


def test_vigiles_upload_only_and_kernel_config(make_build, server_factory, key_file, tmp_path):
    server = server_factory()
    kernel = tmp_path / "kernel.config"
    kernel.write_text("CONFIG_FROM_VIGILES=y\n")
    build = upload_build(make_build, server, key_file, 'VIGILES_UPLOAD_ONLY = "1"\nVIGILES_KERNEL_CONFIG = "%s"' % kernel)
    assert build.build_image() == 0, build.text()
    (_, params), = server.manifests()
    assert param(params, "upload_only") == "True", params
    assert param(params, "kernel_config") == "CONFIG_FROM_VIGILES=y\n", params


def test_llapi_variable_wins_over_vigiles(make_build, server_factory, key_file, dashboard_config, tmp_path):
    server = server_factory()
    build = upload_build(make_build, server, key_file, 'LLAPI_DASHBOARD_CONFIG = "%s"\nVIGILES_DASHBOARD_CONFIG = "%s"\n'
                         'LLAPI_SUBFOLDER_NAME = "llapi-sub"\nVIGILES_SUBFOLDER_NAME = "vigiles-sub"'
                         % (dashboard_config, tmp_path / "no-such-config"))
    assert build.build_image() == 0, build.text()
    (_, params), = server.manifests()
    assert param(params, "subfolder_name") == "llapi-sub", params
