"""The suite's password hasher: PBKDF2-SHA256 as configured (pingyi.settings), at a thousand
iterations instead of a million. A password costs a millisecond instead of half a second,
and what it stores is still an ordinary ``pbkdf2_sha256$…`` hash that the servers the tests
start (with the real settings) read: a hash names its own iteration count. The test of the
configured hasher (tests/accounts/test_login.py) uses the real settings."""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1000
