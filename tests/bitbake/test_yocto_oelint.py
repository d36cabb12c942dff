"""oelint-adv passes on the layer for every supported release (settings in meta-llapi/.oelint.cfg)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bbharness import LAYER

FILES = ["classes/llapi.bbclass", "conf/layer.conf"] + sorted(
    str(p.relative_to(LAYER)) for p in LAYER.glob("recipes-*/*/*.bb"))


def oelint(release, files, cwd=LAYER):
    exe = shutil.which("oelint-adv", path=str(Path(sys.executable).parent)) or shutil.which("oelint-adv")
    env = dict(os.environ)
    env.pop("OELINT_CONFIG", None)
    return subprocess.run([exe, "--release", release, "--relpaths", *files], cwd=cwd, env=env,
                          capture_output=True, text=True)


@pytest.mark.parametrize("release", ["scarthgap", "whinlatter", "wrynose"])
def test_layer_is_lint_clean(release):
    result = oelint(release, FILES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_lint_reports_problems(tmp_path):
    """The same settings still find a defect, so a clean run means something."""
    shutil.copytree(LAYER, tmp_path / "layer")
    bbclass = tmp_path / "layer/classes/llapi.bbclass"
    bbclass.write_text(bbclass.read_text().replace('do_llapi_upload[doc] = ', 'do_llapi_upload[undocumented] = '))
    result = oelint("wrynose", ["classes/llapi.bbclass"], cwd=tmp_path / "layer")
    assert result.returncode == 1
    assert "oelint.task.docstrings" in result.stdout + result.stderr
