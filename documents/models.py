"""Signing identities the server holds.

DEMO ONLY: officers' signing keys issued from the demo PKI (``documents.keys``).
In production an officer signs with their own key through NCALayer and no key
is stored here.
"""
from django.conf import settings
from django.db import models


class SigningKey(models.Model):
    """A demo signing key: an officer's, or the system seal's (automatic steps)."""

    label = models.CharField(max_length=80, unique=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    certificate_pem = models.TextField()
    key_pem = models.TextField(help_text="DEMO ONLY: unencrypted private key")
    created_at = models.DateTimeField(auto_now_add=True)


class OfficeCertificateChoice(models.Model):
    """The certificate an officer chose to sign results with, in this log-in (accounts' last_login).

    Chosen through ``documents.actions.choose_office_certificate`` (the back office's certificate page or
    ``POST /api/v1/auth/office-certificate``); the decision actions refuse a signing step without it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    serial = models.CharField(max_length=64, help_text="the certificate's serial number, lower-case hex")
    chosen_at = models.DateTimeField()
