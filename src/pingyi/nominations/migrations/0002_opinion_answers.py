"""An opinion filed on the notice of nominees is answered by the office and read by its filer
with a tracking code (stored as its keyed hash)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("nominations", "0001_nominations"),
    ]

    operations = [
        migrations.AddField(
            model_name="opinion",
            name="answer",
            field=models.TextField(blank=True, verbose_name="answer"),
        ),
        migrations.AddField(
            model_name="opinion",
            name="answered_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="answered"),
        ),
        migrations.AddField(
            model_name="opinion",
            name="answered_by",
            field=models.CharField(blank=True, max_length=150, verbose_name="answered by"),
        ),
        migrations.AddField(
            model_name="opinion",
            name="digest",
            field=models.CharField(
                blank=True, max_length=64, null=True, unique=True, verbose_name="tracking code hash"
            ),
        ),
        migrations.AddField(
            model_name="opinion",
            name="status",
            field=models.CharField(
                choices=[
                    ("received", "Received"),
                    ("assigned", "Being investigated"),
                    ("answered", "Answered"),
                ],
                default="received",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AddConstraint(
            model_name="opinion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "answered"), _negated=True),
                    models.Q(
                        ("answered_at__isnull", False), models.Q(("answer", ""), _negated=True)
                    ),
                    _connector="OR",
                ),
                name="nominations_opinion_answered_has_answer",
            ),
        ),
    ]
