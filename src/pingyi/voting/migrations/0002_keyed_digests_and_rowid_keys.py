"""Token digests keyed with a secret outside the database (R10), and random ids kept as
SQLite's rowid (R9).

A stored digest was the plain SHA-256 of the code; it becomes the HMAC of that hash under the
installation's token key, as pingyi.voting.codes.digest computes it for a code (a copy of the
derivation: migrations never import app code).
"""

import hashlib
import hmac
from typing import Any

import pingyi.fields
from django.conf import settings
from django.db import migrations


def key_digests(apps: Any, schema_editor: Any) -> None:
    key = hmac.digest(settings.SECRET_KEY.encode("utf-8"), b"pingyi/token-digest", "sha256")
    BallotToken = apps.get_model("voting", "BallotToken")
    updates = [
        (hmac.digest(key, plain.encode("ascii"), hashlib.sha256).hex(), pk)
        for pk, plain in BallotToken.objects.values_list("pk", "digest")
    ]
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany("UPDATE voting_ballottoken SET digest = %s WHERE id = %s", updates)


class Migration(migrations.Migration):

    dependencies = [
        ("voting", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ballottoken",
            name="id",
            field=pingyi.fields.RandomIdField(
                default=pingyi.fields.random_id, editable=False, primary_key=True, serialize=False
            ),
        ),
        migrations.AlterField(
            model_name="receipt",
            name="id",
            field=pingyi.fields.RandomIdField(
                default=pingyi.fields.random_id, editable=False, primary_key=True, serialize=False
            ),
        ),
        migrations.RunPython(key_digests, migrations.RunPython.noop, elidable=False),
    ]
