import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from lib.phone import InvalidNumber, pretty, to_e164

APP_ID_PATTERN = re.compile(r"^[0-9]{1,12}$")


class ExoPhoneQuerySet(models.QuerySet):
    def active(self):
        """The ExoPhones offered as caller ID: switched on by an admin and not refused by Exotel."""
        return self.filter(is_active=True, refused_at__isnull=True)


class ExoPhone(models.Model):
    """A virtual number of the Exotel account, shown to customers as caller ID."""

    number = models.CharField("number (E.164)", max_length=16, unique=True, help_text="e.g. +918030752400")
    friendly_name = models.CharField(max_length=80)
    region = models.CharField(
        max_length=40, blank=True, help_text="Cluster or telecom circle, e.g. Mumbai or Karnataka."
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when Exotel answers a dial that this is not an ExoPhone of the account; cleared by an admin.
    refused_at = models.DateTimeField("refused by Exotel at", null=True, blank=True)
    refused_reason = models.CharField("Exotel's words", max_length=500, blank=True)

    objects = ExoPhoneQuerySet.as_manager()

    class Meta:
        verbose_name = "ExoPhone"
        ordering = ["friendly_name"]

    def __str__(self):
        return f"{self.friendly_name} ({pretty(self.number)})"

    def clean(self):
        if not self.number:
            return  # blank is the field's own error; a form's number that failed its field arrives blank
        try:
            self.number = to_e164(self.number)
        except InvalidNumber as exc:
            raise ValidationError({"number": str(exc)}) from exc


class FlowQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Flow(models.Model):
    """An Exotel flow (IVR app) a customer can be connected to; app_id comes from Exotel's dashboard."""

    name = models.CharField(max_length=80)
    app_id = models.CharField(
        "app id", max_length=12, unique=True, help_text="The number in the flow's URL on Exotel's dashboard."
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FlowQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.label(self.name, self.app_id)

    @staticmethod
    def label(name, app_id):
        return f"{name} (app {app_id})"

    def clean(self):
        self.app_id = (self.app_id or "").strip()
        if not APP_ID_PATTERN.match(self.app_id):
            raise ValidationError(
                {"app_id": "Enter the flow's app id: digits only, as in Exotel's flow URL."}
            )

    @property
    def url(self):
        return f"http://my.exotel.com/{settings.EXOTEL_SID}/exoml/start_voice/{self.app_id}"
