"""Stand-in for hashserv.client (imported by bb.siggen)."""
