"""Stand-in for bitbake's prserv package (imported by bb.cooker)."""
