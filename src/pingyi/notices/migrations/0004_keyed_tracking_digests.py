"""Tracking codes are digested with the same keyed function as ballot codes
(pingyi.voting.codes.digest): the stored plain SHA-256 becomes its HMAC under the token key."""

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.db import migrations


def key_digests(apps: Any, schema_editor: Any) -> None:
    key = hmac.digest(settings.SECRET_KEY.encode("utf-8"), b"pingyi/token-digest", "sha256")
    Objection = apps.get_model("notices", "Objection")
    for objection in Objection.objects.only("pk", "digest"):
        objection.digest = hmac.digest(key, objection.digest.encode("ascii"), hashlib.sha256).hex()
        objection.save(update_fields=["digest"])


class Migration(migrations.Migration):

    dependencies = [
        ("notices", "0003_notice_tokens_withdrawn"),
    ]

    operations = [
        migrations.RunPython(key_digests, migrations.RunPython.noop, elidable=False),
    ]
