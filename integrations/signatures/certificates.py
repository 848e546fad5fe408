"""NCA certificate conventions: role OIDs, GOST algorithm detection, the IIN/BIN in a subject, extension lookup."""
from __future__ import annotations

from cryptography import x509
from cryptography.x509.oid import NameOID

OID_ROLE_INDIVIDUAL = "1.2.398.3.3.4.1.1"
OID_ROLE_LEGAL_ENTITY = "1.2.398.3.3.4.1.2"
OID_ROLE_FIRST_HEAD = "1.2.398.3.3.4.1.2.1"
OID_ROLE_SIGNING_RIGHT = "1.2.398.3.3.4.1.2.2"
OID_ROLE_EMPLOYEE = "1.2.398.3.3.4.1.2.5"
SIGNING_ROLES = {OID_ROLE_FIRST_HEAD: "first_head", OID_ROLE_SIGNING_RIGHT: "signing_right"}

# GOST algorithm arcs: Kazakhstan's (GOST 34.310-2004, 34.311-95, 34.10-2015 …:
# 1.2.398.3.10.*) and Russia's (CryptoPro GOST R 34.10-2001: 1.2.643.2.2.*;
# TC26 GOST R 34.10/34.11-2012: 1.2.643.7.1.*).
GOST_OID_PREFIXES = ("1.2.398.3.10.", "1.2.643.2.2.", "1.2.643.7.1.")


def is_gost_oid(oid) -> bool:
    """True for an algorithm OID (str or ObjectIdentifier) of the GOST families."""
    dotted = getattr(oid, "dotted_string", None) or str(oid)
    return dotted.startswith(GOST_OID_PREFIXES)


def certificate_gost_oid(cert: x509.Certificate) -> str | None:
    """The GOST OID of the certificate's key or signature algorithm, if any."""
    for oid in (cert.public_key_algorithm_oid, cert.signature_algorithm_oid):
        if is_gost_oid(oid):
            return oid.dotted_string
    return None


def subject_identity(cert: x509.Certificate) -> tuple[str, str]:
    """(IIN, BIN) from an NCA subject: ``SERIALNUMBER=IIN…``, ``OU=BIN…``."""
    iin = bin_ = ""
    for attr in cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER):
        value = str(attr.value).strip()
        if value.upper().startswith("IIN"):
            iin = value[3:]
    for attr in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME):
        value = str(attr.value).strip()
        if value.upper().startswith("BIN"):
            bin_ = value[3:]
    return iin, bin_


def _ext(cert: x509.Certificate, cls):
    try:
        return cert.extensions.get_extension_for_class(cls).value
    except x509.ExtensionNotFound:
        return None
