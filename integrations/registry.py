"""The state registries "Individuals" and "Legal entities" (reached through the
e-government gateway in production).

`LocalRegistry` is the default for development and tests: it reads a data file
shaped like the registries' answers (integrations/data/registry.json, or the
file named by ELICENSE_REGISTRY_FILE). The HTTP adapter for the real gateway
implements the same two methods.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_FILE = Path(__file__).with_name("data") / "registry.json"


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


class LocalRegistry:
    def __init__(self, path: str | os.PathLike | None = None):
        path = Path(path or os.environ.get("ELICENSE_REGISTRY_FILE") or DEFAULT_FILE)
        content = json.loads(path.read_text(encoding="utf-8"))
        self._individuals = {p["iin"]: p for p in content["individuals"]}
        self._entities = {}
        for entity in content["legal_entities"]:
            self._entities[entity["bin"]] = entity
            for branch in entity.get("branches", []):
                self._entities[branch["bin"]] = {**branch, "head_office_bin": entity["bin"], "status": entity["status"]}

    def individual(self, iin: str) -> RegistryResult:
        person = self._individuals.get(iin)
        return RegistryResult("found", dict(person)) if person else RegistryResult("not_found")

    def legal_entity(self, bin_: str) -> RegistryResult:
        entity = self._entities.get(bin_)
        return RegistryResult("found", dict(entity)) if entity else RegistryResult("not_found")
