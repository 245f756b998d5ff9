"""Reference packages from the ARS or the OMEDIT, and the regional benchmarks they carry."""
