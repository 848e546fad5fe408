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


@pytest.fixture
def pending_translations():
    """This app's Kazakh and Russian strings (translations.tsv, the lines handed to the catalogs) in the running
    catalogs where the compiled ones do not have them yet; once compiled, nothing is added. Removed afterwards."""
    from pathlib import Path

    from django.utils.translation import trans_real

    rows = [line.split("\t") for line in (Path(__file__).parent / "translations.tsv").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    added = []
    for index, lang in ((1, "kk"), (2, "ru")):
        catalog = trans_real.translation(lang)._catalog
        for row in rows:
            if row[0] not in catalog:
                catalog[row[0]] = row[index]
                added.append((catalog, row[0]))
    yield
    for catalog, msgid in added:
        catalog._catalogs[0].pop(msgid, None)
