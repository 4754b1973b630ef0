"""Operating an installation: backup and restore, the deployment check (README, "Operations")."""
