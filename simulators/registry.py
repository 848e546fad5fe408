"""Simulator of the state databases "Individuals" (ЖТ МДҚ) and "Legal entities" (ЗТ МДҚ),
as reached through the e-government gateway (ЭҮШ).

    GET /v1/individuals/{iin}      → 200 person | 404 not_found | 400 invalid_identifier
    GET /v1/legal-entities/{bin}   → 200 entity (a branch BIN gives the branch with its head office) | 404 | 400

Data: the seed file (simulators/data/registry.json: named people and companies
the demo and tests use, with the edge cases — a deceased person, a liquidated
company, a company with a branch) plus --generate N generated people and
companies (deterministic, valid check digits).
"""
from __future__ import annotations

import datetime
import json
import random
from pathlib import Path

from simulators.common import Reply, Simulator, arguments, run

SEED_FILE = Path(__file__).with_name("data") / "registry.json"
WEIGHTS = ((1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2))


def check_digit(first_eleven: str) -> int | None:
    digits = [int(c) for c in first_eleven]
    for weights in WEIGHTS:
        rest = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if rest != 10:
            return rest
    return None


def valid(number: str) -> bool:
    return (len(number) == 12 and number.isascii() and number.isdigit()
            and check_digit(number[:11]) == int(number[11]))


LAST = ["Ахметов", "Бекова", "Омаров", "Сәтбаева", "Тоқаев", "Ли", "Петрова", "Жұмабаев", "Исаева", "Мұратов"]
FIRST_M = ["Асхат", "Нұрлан", "Дмитрий", "Ерболат", "Тимур"]
FIRST_F = ["Динара", "Мәдина", "Ольга", "Жанар", "Әсел"]
CITIES = ["Астана", "Алматы", "Шымкент", "Қарағанды", "Ақтөбе", "Павлодар"]


def generate(n: int, seed: int = 2026) -> dict:
    """n people and n//2 companies with valid IINs/BINs; every 10th person deceased, every 5th company liquidated."""
    rnd = random.Random(seed)
    people, companies = [], []
    while len(people) < n:
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rnd.randrange(0, 365 * 65))
        female = rnd.random() < 0.5
        century = (3 if born.year < 2000 else 5) + (1 if female else 0)
        first = f"{born:%y%m%d}{century}{rnd.randrange(0, 10000):04d}"
        digit = check_digit(first)
        if digit is None:
            continue
        people.append({
            "iin": first + str(digit), "last_name": rnd.choice(LAST),
            "first_name": rnd.choice(FIRST_F if female else FIRST_M), "patronymic": "",
            "birth_date": born.isoformat(), "status": "deceased" if len(people) % 10 == 9 else "alive",
        })
    while len(companies) < n // 2:
        registered = datetime.date(1995, 1, 1) + datetime.timedelta(days=rnd.randrange(0, 365 * 30))
        first = f"{registered:%y%m}40{rnd.randrange(0, 100000):05d}"
        digit = check_digit(first)
        if digit is None:
            continue
        city = rnd.choice(CITIES)
        companies.append({
            "bin": first + str(digit), "name": f"ТОО «Байланыс-{len(companies) + 1}»", "legal_form": "LLP",
            "address": f"{city}, ул. Жібек жолы, {rnd.randrange(1, 200)}",
            "head_iin": rnd.choice(people)["iin"] if people else "",
            "status": "liquidated" if len(companies) % 5 == 4 else "active", "branches": [],
        })
    return {"individuals": people, "legal_entities": companies}


class Registry(Simulator):
    name = "registry"

    def __init__(self, secret, data: dict, log_path=None):
        super().__init__(secret, log_path)
        self.individuals = {p["iin"]: p for p in data["individuals"]}
        self.entities = {}
        for entity in data["legal_entities"]:
            self.entities[entity["bin"]] = entity
            for branch in entity.get("branches", []):
                self.entities[branch["bin"]] = {
                    **branch, "legal_form": "branch", "head_office_bin": entity["bin"],
                    "head_iin": branch.get("head_iin", entity.get("head_iin", "")), "status": entity["status"],
                }
        self.route("GET", r"/v1/individuals/(?P<iin>[^/]+)", self.individual)
        self.route("GET", r"/v1/legal-entities/(?P<bin>[^/]+)", self.legal_entity)

    def individual(self, request):
        iin = request.match["iin"]
        if not valid(iin):
            raise Reply(400, "invalid_identifier", "IIN must be 12 digits with a valid check digit")
        person = self.individuals.get(iin)
        if person is None:
            raise Reply(404, "not_found", "no individual with this IIN")
        return 200, person

    def legal_entity(self, request):
        bin_ = request.match["bin"]
        if not valid(bin_):
            raise Reply(400, "invalid_identifier", "BIN must be 12 digits with a valid check digit")
        entity = self.entities.get(bin_)
        if entity is None:
            raise Reply(404, "not_found", "no legal entity with this BIN")
        return 200, entity


def load(path: str | None = None, generated: int = 0) -> dict:
    data = json.loads(Path(path or SEED_FILE).read_text(encoding="utf-8"))
    if generated:
        extra = generate(generated)
        known = {p["iin"] for p in data["individuals"]}
        data["individuals"] += [p for p in extra["individuals"] if p["iin"] not in known]
        data["legal_entities"] += extra["legal_entities"]
    return data


def main(argv=None):
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--data", help=f"registry data file (default {SEED_FILE})")
    parser.add_argument("--generate", type=int, default=200, help="generated people (and half as many companies)")
    args = parser.parse_args(argv)
    run(Registry(args.secret, load(args.data, args.generate), args.log).serve(args.port, args.host), "registry")


if __name__ == "__main__":
    main()
