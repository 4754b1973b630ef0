"""Reports: small classes that yield rows, and writers that turn them into files."""
