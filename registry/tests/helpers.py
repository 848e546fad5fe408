from applications.tests.journeys import decide, portal_until_registered


def licence(w, who="company_head"):
    """An S1 licence issued through the portal journey: (application, record number)."""
    app = portal_until_registered(w, w.api[who], "S1", "issue")
    app = decide(w.api["committee_officer"], app)
    (doc,) = [d for d in app["documents"] if d["kind"] == "licence"]
    return app, doc["number"]


def act(api, number, action, reason="по решению суда", expect=200, **extra):
    record = api.get(f"/registry/records/{number}") if "version" not in extra else None
    body = {"reason": reason, "version": extra.pop("version", record["version"] if record else 0), **extra}
    response = api._call("post", f"/registry/records/{number}/{action}", body, expect=expect, **{
        k: v for k, v in extra.items() if k.startswith("HTTP_")})
    if response.status_code == 200 and getattr(api, "world", None) is not None:
        # A re-issue's or duplicate's document is the officer's decision: they sign it with their own EDS.
        from registry.models import Record

        api.world.sign_pending(Record.objects.get(number=number).application_id)
    return response
