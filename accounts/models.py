from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from lib.phone import InvalidNumber, pretty, to_e164


class AgentProfile(models.Model):
    """What Exotel needs to ring an agent: their own phone (leg 1) and the caller ID they use by default."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile"
    )
    phone_number = models.CharField(
        "own phone (E.164)", max_length=16, blank=True, help_text="Exotel rings this phone first."
    )
    default_exophone = models.ForeignKey(
        "numbers.ExoPhone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    time_zone = models.CharField(max_length=40, blank=True, help_text="Empty: the site's time zone.")

    class Meta:
        verbose_name = "agent profile"
        constraints = [
            models.UniqueConstraint(
                fields=["phone_number"], condition=~models.Q(phone_number=""), name="unique_agent_phone"
            )
        ]

    def __str__(self):
        return f"{self.user.get_username()}: {pretty(self.phone_number) if self.phone_number else 'no phone'}"

    def clean(self):
        if self.phone_number:
            try:
                self.phone_number = to_e164(self.phone_number)
            except InvalidNumber as exc:
                raise ValidationError({"phone_number": str(exc)}) from exc
        if self.time_zone:
            import zoneinfo

            try:
                zoneinfo.ZoneInfo(self.time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
                raise ValidationError({"time_zone": "Not a known time zone, e.g. Asia/Kolkata."}) from exc


class SavedView(models.Model):
    """A named set of call-log filters, private to its owner; opened as /calls/?<query>."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=60)
    query = models.TextField(blank=True, help_text="The call log's query string, normalised.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="unique_saved_view_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('call-log')}?{self.query}" if self.query else reverse("call-log")
