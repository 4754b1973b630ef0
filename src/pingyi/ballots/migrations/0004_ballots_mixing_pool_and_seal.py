"""Random ids kept as SQLite's rowid, a MAC on every ballot row, the mixing pool and the seal.

The MACs of ballots stored before this migration are computed here with the installation's
secret key, exactly as pingyi.ballots.sealing.ballot_mac does (a copy: migrations never
import app code).
"""

import hashlib
import hmac
from typing import Any

import django.db.models.deletion
import pingyi.fields
from django.conf import settings
from django.db import migrations, models

SEP = "\x1f"


def mac_existing(apps: Any, schema_editor: Any) -> None:
    key = hmac.digest(settings.SECRET_KEY.encode("utf-8"), b"pingyi/ballot-mac", "sha256")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, campaign_id, group_id, ballot_no, marks, valid, source, cast_on"
            " FROM ballots_ballot"
        )
        rows = cursor.fetchall()
        updates = []
        for ballot_id, campaign_id, group_id, ballot_no, marks, valid, source, cast_on in rows:
            day = cast_on if isinstance(cast_on, str) else cast_on.isoformat()
            text = SEP.join(
                [
                    str(ballot_id),
                    str(campaign_id),
                    "" if group_id is None else str(group_id),
                    ballot_no or "",
                    marks,
                    "1" if valid else "0",
                    source,
                    day,
                ]
            )
            updates.append((hmac.digest(key, text.encode("utf-8"), hashlib.sha256)[:16], ballot_id))
        cursor.executemany("UPDATE ballots_ballot SET mac = %s WHERE id = %s", updates)


class Migration(migrations.Migration):

    dependencies = [
        ("ballots", "0003_ballot_invalid_index"),
        ("campaigns", "0002_campaign_stages"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ballot",
            name="id",
            field=pingyi.fields.RandomIdField(
                default=pingyi.fields.random_id, editable=False, primary_key=True, serialize=False
            ),
        ),
        migrations.AddField(
            model_name="ballot",
            name="mac",
            field=models.BinaryField(default=b"", max_length=16, verbose_name="MAC"),
            preserve_default=False,
        ),
        migrations.RunPython(mac_existing, migrations.RunPython.noop, elidable=False),
        migrations.CreateModel(
            name="PooledBallot",
            fields=[
                (
                    "id",
                    pingyi.fields.RandomIdField(
                        default=pingyi.fields.random_id,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("sealed", models.BinaryField(verbose_name="sealed ballot")),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="campaigns.campaign",
                    ),
                ),
            ],
            options={
                "verbose_name": "ballot in the mixing pool",
                "verbose_name_plural": "ballots in the mixing pool",
            },
        ),
        migrations.CreateModel(
            name="BallotSeal",
            fields=[
                (
                    "campaign",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="seal",
                        serialize=False,
                        to="campaigns.campaign",
                    ),
                ),
                ("digest", models.CharField(max_length=64, verbose_name="ballot set digest")),
                ("ballots", models.PositiveIntegerField(verbose_name="ballots")),
                ("online", models.PositiveIntegerField(verbose_name="online ballots")),
                ("paper", models.PositiveIntegerField(verbose_name="paper ballots")),
                ("tally", models.JSONField(verbose_name="stored tally")),
            ],
            options={"verbose_name": "ballot seal", "verbose_name_plural": "ballot seals"},
        ),
    ]
