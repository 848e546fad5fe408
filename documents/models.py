"""What the documents app keeps: the officers' chosen certificates (public), their one-time challenges and the
documents prepared for their signatures. No table holds a private key: an officer signs with their own EDS
through NCALayer; the system seal's and the TSA's keys are files of their own (documents.seal)."""
from django.conf import settings
from django.db import models


class OfficeCertificateChoice(models.Model):
    """The certificate an officer chose to sign results with, in this log-in (accounts' last_login).

    Chosen through ``documents.actions.choose_office_certificate`` (the back office's certificate page or
    ``POST /api/v1/auth/office-certificate``); the decision actions refuse a signing step without it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    serial = models.CharField(max_length=64, help_text="the certificate's serial number, lower-case hex")
    chosen_at = models.DateTimeField()
    # The certificate itself (public; PEM), proven by the officer's signature of a one-time challenge.
    certificate_pem = models.TextField(blank=True)


class CertificateChallenge(models.Model):
    """A one-time challenge an officer signs (NCALayer, sign key) to prove the certificate they choose."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()


def prepared_pdf_path(instance, filename):
    return f"signing/{instance.document.application_id}/{filename}"


class SigningSession(models.Model):
    """A result document prepared for its officer's signature (pyHanko's interrupted signing): the PDF in its
    final pre-signing state, its reserved /Contents region and its byte-range digest. The officer signs the
    byte range through NCALayer; ``documents.actions.sign_document`` finishes it. Holds no key."""

    document = models.OneToOneField("applications.ResultDocument", on_delete=models.CASCADE,
                                    related_name="signing_session")
    certificate_pem = models.TextField(help_text="the certificate the stamp names (the officer's chosen one)")
    serial = models.CharField(max_length=64)
    prepared_pdf = models.FileField(upload_to=prepared_pdf_path)
    reserved_start = models.PositiveIntegerField()
    reserved_end = models.PositiveIntegerField()
    digest = models.CharField(max_length=64, help_text="SHA-256 (hex) of the byte range: the CMS messageDigest")
    prepared_at = models.DateTimeField()
