"""Stand-in for bitbake's hashserv package, which the bitbake-setup wheel lacks.

bb.siggen imports it; the in-process tests use no hash equivalence server.
"""


def is_valid_unihash(unihash):
    return bool(unihash)


def create_client(*args, **kwargs):
    raise RuntimeError("no hash equivalence server in the meta-llapi tests")
