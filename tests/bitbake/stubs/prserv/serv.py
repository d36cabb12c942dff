"""Stand-in for prserv.serv (imported by bb.cooker)."""
