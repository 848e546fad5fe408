"""DEMO ONLY: issue, from the demo PKI in ELICENSE_TRUST_DIR, a signing key for every officer and PSC
operator who has none, the system seal and the timestamp authority's certificate.

Without this command they are issued on first use (the first result an officer signs); running it after
``load_demo`` makes the first signatures as fast as the others. Production officers sign through NCALayer.
"""
from django.core.management.base import BaseCommand

from accounts.models import User
from documents import keys
from documents.models import SigningKey


class Command(BaseCommand):
    help = "DEMO ONLY: issue demo signing keys for officers and PSC operators, the system seal and the TSA."

    def handle(self, *args, **options):
        keys.tsa_identity()
        keys.signing_identity(None)
        have = set(SigningKey.objects.exclude(user=None).values_list("user_id", flat=True))
        made = 0
        for user in User.objects.filter(kind__in=[User.Kind.OFFICER, User.Kind.PSC_OPERATOR]).exclude(pk__in=have):
            keys.signing_identity(user)
            made += 1
        self.stdout.write(f"demo signing keys issued: {made} (system seal and TSA ready)")
