"""Pingyi's SQLite database backend (settings.DATABASES' ENGINE): Django's, with a gate."""
