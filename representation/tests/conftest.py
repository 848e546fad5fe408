import pytest
from django.utils import timezone

# A third person of the registry simulator's seed (the first is also the demo company's head).
REPRESENTATIVE = {"iin": "780101333036", "last_name": "Иванов", "first_name": "Сергей"}


@pytest.fixture
def rep(world):
    """A person registered on the portal who acts as a representative: not the company's head."""
    from accounts.models import User

    user = User.objects.create_user("representative", password="demo-pass-123", kind="applicant",
                                    portal_registered_at=timezone.now(), **REPRESENTATIVE)
    world.api["rep"] = world.api_of(user)
    return user
