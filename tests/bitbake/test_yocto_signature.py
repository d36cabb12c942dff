"""The upload task's signature holds configuration, not the key file's content or bitbake's
environment (compare sstate siginfo files: they list every variable value of a signature)."""


def upload_basehash(make_build, key_file, key_text, env, extra=""):
    key_file.write_text(key_text)
    build = make_build('LLAPI_KEY_FILE = "%s"\n%s' % (key_file, extra))
    build.parse_config(env=env, signatures=True)
    d = build.parse("test-image")
    hashes = d.getVar("__siggen_basehashes")
    values = d.getVar("__siggen_varvals")
    return hashes["do_llapi_upload"], hashes["do_llapi_manifest"], values


def test_key_content_and_environment_stay_out_of_the_signature(make_build, tmp_path):
    key_file = tmp_path / "key"
    first = upload_basehash(make_build, key_file, '{"email": "a@example.com", "key": "one"}', {})
    second = upload_basehash(make_build, key_file, '{"email": "b@example.com", "key": "two"}',
                             {"VIGILES_KEY_FILE": "/elsewhere/key", "VIGILES_SUBFOLDER_NAME": "from-env",
                              "LINUXLINK_SERVER": "http://127.0.0.1:9"})
    assert first[0] == second[0]
    assert first[1] == second[1]
    for name, value in second[2].items():
        assert "two" != value and "/elsewhere/key" not in str(value), name


def test_configuration_is_in_the_signature(make_build, tmp_path):
    """The comparison above can fail: a configuration change does change the signature."""
    key_file = tmp_path / "key"
    base = upload_basehash(make_build, key_file, "{}", {})
    other_level = upload_basehash(make_build, key_file, "{}", {}, 'LLAPI_ERROR_LEVEL = "FATAL"')
    other_subfolder = upload_basehash(make_build, key_file, "{}", {}, 'LLAPI_SUBFOLDER_NAME = "x"')
    assert base[0] != other_level[0]
    assert base[0] != other_subfolder[0]


def test_orig_env_is_excluded_everywhere(make_build, tmp_path):
    key_file = tmp_path / "key"
    _, _, values = upload_basehash(make_build, key_file, "{}", {"VIGILES_KEY_FILE": "/env/key"})
    assert "BB_ORIGENV" not in values
    assert "LLAPI_ERROR_LEVEL" in values  # the values are those of the real signature


def recipe_basehash(make_build, extra):
    build = make_build()
    recipe = build.recipe_path("hello")
    recipe.write_text(recipe.read_text() + extra)
    build.parse_config(signatures=True)
    return build.parse("hello").getVar("__siggen_basehashes")["do_llapi_recipe"]


def test_cve_status_decisions_are_in_the_recipe_signature(make_build):
    base = recipe_basehash(make_build, "")
    assert base == recipe_basehash(make_build, "")
    changed = recipe_basehash(make_build, 'CVE_STATUS[CVE-2023-0002] = "ignored: not used"\n')
    added = recipe_basehash(make_build, 'CVE_STATUS[CVE-2025-7] = "cpe-incorrect: other product"\n')
    assert len({base, changed, added}) == 3
