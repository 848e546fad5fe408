"""Reason codes of the EDS checks, their localised messages, and :class:`CheckResult`, what every check returns."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.utils.translation import gettext_lazy as _

REASON_MESSAGES = {
    "ok": _("The signature and the certificate are valid."),
    "malformed": _("The signature or the certificate could not be read."),
    "untrusted_chain": _("The certificate was not issued by a trusted certification authority."),
    "not_yet_valid": _("The certificate is not yet valid."),
    "expired": _("The certificate has expired."),
    "revoked": _("The certificate has been revoked."),
    "revocation_unavailable": _(
        "The certificate's revocation status cannot be checked now (no current revocation list). Try again later."
    ),
    "wrong_purpose": _(
        "This certificate is not meant for this use: sign with the signing key (RSA…), "
        "log in with the authentication key (AUTH_RSA…)."
    ),
    "no_signing_right": _("The certificate's holder has no right to sign on behalf of the organisation."),
    "identity_mismatch": _("The IIN/BIN in the certificate does not match the applicant's IIN/BIN."),
    "gost_not_supported": _("Certificates with GOST keys are not supported yet; use an RSA certificate."),
    "unsupported_algorithm": _("The signature uses an algorithm that is not supported."),
    "signature_invalid": _("The signature does not match the signed document."),
}
REASONS = tuple(REASON_MESSAGES)
Reason = Literal[
    "ok", "malformed", "untrusted_chain", "not_yet_valid", "expired", "revoked", "revocation_unavailable",
    "wrong_purpose", "no_signing_right", "identity_mismatch", "gost_not_supported", "unsupported_algorithm",
    "signature_invalid",
]


@dataclass(frozen=True)
class CheckResult:
    valid: bool
    reason: str
    subject_iin: str = ""
    subject_bin: str = ""
    details: dict = field(default_factory=dict)

    @property
    def message(self):
        """The localised text for ``reason`` (lazy)."""
        return REASON_MESSAGES[self.reason]

    def to_dict(self) -> dict:
        """JSON-safe form, e.g. for a workflow result variable."""
        return {
            "valid": self.valid,
            "reason": self.reason,
            "subject_iin": self.subject_iin,
            "subject_bin": self.subject_bin,
            "details": self.details,
        }


def _fail(reason: str, iin: str = "", bin_: str = "", **details) -> CheckResult:
    return CheckResult(False, reason, iin, bin_, details)
