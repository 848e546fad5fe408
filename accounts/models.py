"""People who use the system: applicants, the provider's officers, PSC operators.

Roles are Django groups whose names are the lane ids of the process
definitions (see docs/process-definitions.md): a user may complete a user task
of lane L when they belong to group L (and, for provider lanes, work in the
provider unit that handles the request).
"""
import datetime
import hashlib
import secrets
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.identifiers import validate_bin_field, validate_iin_field


class User(AbstractUser):
    class Kind(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        OFFICER = "officer", _("Provider officer")
        PSC_OPERATOR = "psc_operator", _("PSC operator")
        ADMINISTRATOR = "administrator", _("Administrator")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.APPLICANT)
    iin = models.CharField(_("IIN"), max_length=12, blank=True, validators=[validate_iin_field], db_index=True)
    bin = models.CharField(_("BIN"), max_length=12, blank=True, validators=[validate_bin_field], db_index=True)
    organisation_name = models.CharField(_("organisation"), max_length=300, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    # An officer's position as the documents they sign print it (Kazakh, Russian).
    position_kk = models.CharField(_("position (Kazakh)"), max_length=300, blank=True)
    position_ru = models.CharField(_("position (Russian)"), max_length=300, blank=True)
    provider_unit = models.ForeignKey(
        "services.ProviderUnit", verbose_name=_("provider unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="staff",
    )
    # Step 1 of the portal channel: the applicant registered on the portal
    # with their EDS registration certificate. Without it, authorisation fails.
    portal_registered_at = models.DateTimeField(_("registered on the portal"), null=True, blank=True)
    # The address the registry gives at registration (a company's legal address; a person's, if the
    # registry has it).
    address = models.CharField(_("address"), max_length=500, blank=True)

    class CompanyRole(models.TextChoices):
        """A legal entity's person as their NCA certificate names them (role OIDs under 1.2.398.3.3.4.1.2,
        integrations.pki): recorded at registration, refreshed at each log-in."""
        FIRST_HEAD = "first_head", _("first head")
        SIGNING_RIGHT = "signing_right", _("employee with the right to sign")
        EMPLOYEE = "employee", _("employee")

    # "" for a person's own account (and for accounts made before the role was recorded).
    company_role = models.CharField(_("role in the organisation"), max_length=20, blank=True,
                                    choices=CompanyRole.choices)

    @property
    def may_sign_for_company(self) -> bool:
        """Whether this account may sign (and so file) for its company: a head or an employee with the right
        to sign; a plain employee may only see the company's requests. A person's own account: yes."""
        return not self.bin or self.company_role != self.CompanyRole.EMPLOYEE

    @property
    def applicant_kind(self) -> str:
        return "legal" if self.bin else "individual"

    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)


def token_lifetime(user: User | None = None) -> datetime.timedelta:
    """How long a new bearer token is valid (ADR 0014): ELICENSE_TOKEN_HOURS_STAFF / _APPLICANT."""
    applicant = user is not None and user.kind == User.Kind.APPLICANT
    hours = getattr(settings, "ELICENSE_TOKEN_HOURS_APPLICANT" if applicant else "ELICENSE_TOKEN_HOURS_STAFF", 12)
    return datetime.timedelta(hours=float(hours))


def _token_expiry():
    return timezone.now() + token_lifetime()


class ApiToken(models.Model):
    """A bearer token for the REST API. Only the SHA-256 of the key is stored.

    Valid until ``expires_at`` unless revoked (``revoked_at``: the owner's log-out or revocation)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_token_expiry, db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User) -> str:
        key = secrets.token_urlsafe(32)
        cls.objects.create(user=user, key_hash=cls.hash(key), expires_at=timezone.now() + token_lifetime(user))
        return key

    @property
    def short_id(self) -> str:
        """A few characters of the key's hash, to tell one's tokens apart (not enough to use one)."""
        return self.key_hash[:8]


def _new_nonce() -> bytes:
    return secrets.token_bytes(32)


def _challenge_expiry():
    seconds = getattr(settings, "ELICENSE_LOGIN_CHALLENGE_SECONDS", 300)
    return timezone.now() + datetime.timedelta(seconds=seconds)


class LoginChallenge(models.Model):
    """A one-time nonce for certificate log-in (regulation §3, step 1).

    The applicant signs ``nonce`` with the authentication key (detached CMS).
    A challenge is consumed atomically by the first log-in attempt that names
    it, whatever the outcome, so it can never be replayed.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nonce = models.BinaryField(default=_new_nonce)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_challenge_expiry)
    used_at = models.DateTimeField(null=True, blank=True)


class LoginAttempt(models.Model):
    """Audit of certificate log-ins: who (as read from the certificate), when, outcome. No secrets."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    outcome = models.CharField(max_length=40)  # "ok" or the refusal reason
    iin = models.CharField(max_length=12, blank=True, db_index=True)
    bin = models.CharField(max_length=12, blank=True)
    certificate_serial = models.CharField(max_length=64, blank=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    challenge_id = models.UUIDField(null=True, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
