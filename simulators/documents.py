"""Simulator of the unified electronic document-management system (ЕСЭДО), where the
provider's office registers incoming applications (2015 regulation).

    POST /v1/incoming   {external_id, correspondent, subject, received_at?}  (Idempotency-Key header)
                        → 201 {registration_number, registered_at, external_id}
                          the same Idempotency-Key gives the same registration
    GET  /v1/incoming/{registration_number} → 200 registration | 404
"""
from __future__ import annotations

import datetime

from simulators.common import Reply, Simulator, Store, arguments, run


class Documents(Simulator):
    name = "documents"

    def __init__(self, secret, state_path=None, log_path=None):
        super().__init__(secret, log_path)
        self.store = Store(state_path, {"registrations": {}, "keys": {}, "counter": {}})
        self.route("POST", r"/v1/incoming", self.register)
        self.route("GET", r"/v1/incoming/(?P<number>[^/]+)", self.get)

    def register(self, request):
        body = request.json
        key = request.headers.get("Idempotency-Key", "")
        if not body.get("external_id") or not body.get("subject"):
            raise Reply(422, "fields_required", "external_id and subject are required")
        with self.store.lock:
            if key and key in self.store.data["keys"]:
                return 201, self.store.data["registrations"][self.store.data["keys"][key]]
            now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=5)))
            year = str(now.year)
            self.store.data["counter"][year] = self.store.data["counter"].get(year, 0) + 1
            number = f"INC-{year}-{self.store.data['counter'][year]:06d}"
            registration = {
                "registration_number": number, "registered_at": now.isoformat(timespec="seconds"),
                "external_id": str(body["external_id"]), "correspondent": str(body.get("correspondent", "")),
                "subject": str(body["subject"]),
            }
            self.store.data["registrations"][number] = registration
            if key:
                self.store.data["keys"][key] = number
            self.store.save()
        return 201, registration

    def get(self, request):
        registration = self.store.data["registrations"].get(request.match["number"])
        if registration is None:
            raise Reply(404, "not_found")
        return 200, registration


def main(argv=None):
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--state", help="state file (registrations survive a restart)")
    args = parser.parse_args(argv)
    run(Documents(args.secret, args.state, args.log).serve(args.port, args.host), "documents")


if __name__ == "__main__":
    main()
