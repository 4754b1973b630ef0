from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    """An organizing office (组织部, 纪委, 党委…): it owns series and never sees another's."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        db_table = "campaigns_organization"  # it began in campaigns; the table stayed (issue 11)
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")  # runs the office: staff, campaigns, settings
    STAFF = "staff", _("Staff")  # runs campaigns of the organization
    VIEWER = "viewer", _("Viewer")  # reads results


class Membership(models.Model):
    """A staff user's role in one organization; an organization sees only its own campaigns."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}: {self.role}"


class OfficeSettings(models.Model):
    """What an office's administrator sets for the office as a whole.

    ``public_url`` is the address evaluators and staff reach Pingyi at (scheme, host and
    optionally a path prefix, no trailing slash): QR sheets, the SMS list and e-mails point
    there. Empty means the installation's PINGYI_PUBLIC_URL.
    """

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="office_settings"
    )
    public_url = models.CharField(_("public address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("office settings")
        verbose_name_plural = _("office settings")

    def __str__(self) -> str:
        return f"{self.organization}: {self.public_url or '-'}"


class Profile(models.Model):
    """What Pingyi keeps about a person beside django.contrib.auth's user: the full name as
    the office writes it, the office that added them (they stay on its people page when all
    their roles are removed), and whether the password given to them must be changed first."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="people"
    )
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    must_change_password = models.BooleanField(_("must change the password"), default=False)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.user}: {self.full_name}"
