"""Fixtures for the meta-llapi tests: the Rust binaries (built once per session), the project's
test server, and throw-away BitBake builds (bbharness.py)."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from bbharness import REPO, Build


# Variables cargo-llapi (or reqwest) reads from its environment: the tests set what they need.
FOREIGN_ENV = ["VIGILES_KEY_FILE", "VIGILES_DASHBOARD_CONFIG", "VIGILES_SUBFOLDER_NAME", "LINUXLINK_SERVER",
               "LLAPI_SPOOL_DIR", "http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
               "ALL_PROXY", "no_proxy", "NO_PROXY"]


@pytest.fixture(autouse=True)
def hermetic_environment(monkeypatch):
    for name in FOREIGN_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def binaries():
    """cargo-llapi and llapi-test-server, built once with cargo (CARGO_TARGET_DIR honoured)."""
    subprocess.run(["cargo", "build", "--quiet", "-p", "cargo-llapi", "-p", "llapi-test-server"], cwd=REPO, check=True)
    target = Path(REPO, os.environ.get("CARGO_TARGET_DIR") or "target")
    return {"cargo-llapi": target / "debug" / "cargo-llapi", "server": target / "debug" / "llapi-test-server"}


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "keys" / "linuxlink_key"
    path.parent.mkdir()
    path.write_text(json.dumps({"email": "builder@example.com", "key": "test-secret-key-0123"}))
    return path


@pytest.fixture
def dashboard_config(tmp_path):
    path = tmp_path / "keys" / "dashboard_config"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"product": "prod-token-1", "folder": "folder-token-1"}))
    return path


class Server:
    """A running llapi-test-server with its state directory."""

    def __init__(self, binary, key_file, root, script=None):
        self.state = root / "server-state"
        cmd = [str(binary), "--key-file", str(key_file), "--port", "0", "--state-dir", str(self.state)]
        if script is not None:
            script_file = root / "server-script.json"
            script_file.write_text(json.dumps(script))
            cmd += ["--script", str(script_file)]
        self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.process.kill()
            raise RuntimeError("test server did not start: %r %s" % (line, self.process.stderr.read()))
        self.url = line[len("listening on "):]

    def requests(self):
        path = self.state / "requests.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def manifests(self):
        """(stored manifest text, its parameters) for every upload."""
        found = []
        for manifest in sorted((self.state / "manifests").glob("*.manifest")):
            params = json.loads(manifest.with_suffix(".json").read_text())
            found.append((manifest.read_text(), params))
        return found

    def stop(self):
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()
        self.process.stderr.close()


@pytest.fixture
def server_factory(binaries, key_file, tmp_path):
    servers = []

    def start(script=None):
        server = Server(binaries["server"], key_file, tmp_path, script)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def make_build(tmp_path, monkeypatch, binaries):
    """Build(local.conf lines) with the class enabled and pointed at the built cargo-llapi."""
    monkeypatch.chdir(tmp_path)
    counter = iter(range(100))

    def make(local_conf="", inherit=True, **kwargs):
        lines = ['LLAPI_BIN = "%s"' % binaries["cargo-llapi"]]
        if inherit:
            lines.append('INHERIT += "llapi"')
        return Build(tmp_path / ("b%d" % next(counter)), "\n".join(lines) + "\n" + local_conf + "\n", **kwargs)

    return make
