"""The state databases "Individuals" (ЖТ МДҚ) and "Legal entities" (ЗТ МДҚ), reached
through the e-government gateway (ЭҮШ): interface and HTTP adapter.

    registry.individual(iin)   → RegistryResult found / not_found   (AdapterUnavailable: unavailable)
    registry.legal_entity(bin) → RegistryResult found / not_found

The data's own status (a deceased person, a liquidated company) is returned as
found; whether the data can be used is the workflow's decision
(`RegistryResult.unusable_reason`).

`SeedData` reads the simulator's seed file (simulators/data/registry.json) —
the people and companies the demo data and the tests log in as. It is not an
adapter: E-licensing reaches the registry only over HTTP.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

from integrations.exchange import ServiceClient

SEED_FILE = Path(settings.BASE_DIR) / "simulators" / "data" / "registry.json"


@dataclass(frozen=True)
class RegistryResult:
    status: str  # "found" / "not_found"
    data: dict = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.status == "found"

    @property
    def name(self) -> str:
        if "name" in self.data:
            return self.data["name"]
        return " ".join(p for p in (self.data.get(k, "") for k in ("last_name", "first_name", "patronymic")) if p)

    @property
    def unusable_reason(self) -> str:
        """Why the data cannot be used for a request ("" when it can)."""
        if not self.found:
            return "not_found"
        if self.data.get("status") in ("deceased", "liquidated"):
            return self.data["status"]
        return ""


class HttpRegistry:
    system = "registry"

    def __init__(self):
        self.client = ServiceClient(self.system, settings.ELICENSE_REGISTRY_URL, settings.ELICENSE_REGISTRY_SECRET)

    def _lookup(self, operation: str, path: str) -> RegistryResult:
        answer = self.client.call(operation, "GET", path)
        if answer.ok and isinstance(answer.body, dict):
            return RegistryResult("found", answer.body)
        # 404 unknown, 400 malformed number: either way the registry has no data for it.
        return RegistryResult("not_found", {"code": (answer.body or {}).get("code", str(answer.status))})

    def individual(self, iin: str) -> RegistryResult:
        return self._lookup("individual", f"/v1/individuals/{quote(iin, safe='')}")

    def legal_entity(self, bin_: str) -> RegistryResult:
        return self._lookup("legal_entity", f"/v1/legal-entities/{quote(bin_, safe='')}")


class SeedData:
    """The registry simulator's seed file, read directly (demo data, test fixtures)."""

    def __init__(self, path=None):
        content = json.loads(Path(path or SEED_FILE).read_text(encoding="utf-8"))
        self._individuals = {p["iin"]: p for p in content["individuals"]}
        self._entities = {}
        for entity in content["legal_entities"]:
            self._entities[entity["bin"]] = entity
            for branch in entity.get("branches", []):
                self._entities[branch["bin"]] = {**branch, "head_office_bin": entity["bin"], "status": entity["status"]}


LocalRegistry = SeedData  # the name accounts/management/commands/load_demo.py imports
