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
