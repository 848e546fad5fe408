"""The access matrix's table (issue 12; the test is web/tests/test_access_matrix.py).

One row per route and method: the route as the URL resolver spells it, the method it is called with, the
subject whose identifiers fill its path parameters (web/tests/access_fixture.py), then the outcome for each role:

    ok    allowed: 2xx, or a redirect that is not to a log-in page
    in    allowed through the access check: the minimal body or the state then refuses it with another 4xx
          (400, 409, 422) — or it succeeds (2xx/3xx)
    log   log-in required: 401 (API), or a redirect to the portal's, the back office's or the admin's log-in
    403   forbidden: the role may not do this (the API's ``not_allowed``)
    404   not found: an object the role may not see, answered as if it did not exist (the project's way: the
          request of another applicant, another region's, a page of another role's interface)
    405   the method is not that route's

The roles (columns): anon = not logged in; appl = applicant A, who owns every request of the fixture; othr =
applicant B; cmte = the Committee's provider officer; insp = the Almaty city Inspection's officer (the region of
A's S4 requests); oreg = the Astana Inspection's officer (another region); clrk, head, uhed, exec = the 2015 office
roles of the Committee (clerk, head, head of the structural unit, responsible executor); psc = a PSC operator;
admn = the administrator (superuser). There is no representative column: the project has no representative of an
applicant yet (issue 14 adds one; add the column then).

A cell written ``x:<outcome>`` is a known defect: the outcome given is the correct one, the test is an xfail
(strict) until it is fixed; KNOWN_DEFECTS says why.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from web.tests.access_fixture import ROLES

COLUMNS = ("anon", "appl", "othr", "cmte", "insp", "oreg", "clrk", "head", "uhed", "exec", "psc", "admn")
assert len(COLUMNS) == len(ROLES)

# Routes with regular expressions or catch-alls: the path requested.
CONCRETE = {
    "api/v1/numbering/plan/<code>/free": "api/v1/numbering/plan/geographic-7172/free",
    "api/v1/numbering/reclamations/<reclamation_id>/withdrawal": "api/v1/numbering/reclamations/999999/withdrawal",
    "admin/^(?P<app_label>auth|django_tasks_database|axes|workdays|numbering|spectrum)/$": "admin/auth/",
    "admin/(?P<url>.*)$": "admin/no-such-page/",
}

TABLE = """
# method route                                                              subject      anon appl othr cmte insp oreg clrk head uhed exec psc  admn
# Public: the home page, the language switch, the public registry and verification, the TSA and CRLs, health.
GET    /                                                                    -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
POST   i18n/setlang/                                                        -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
# Django's admin: the administrator only; everyone else is sent to its log-in.
GET    admin/                                                               -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/login/                                                         -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
POST   admin/logout/                                                        -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    admin/password_change/                                               -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/password_change/done/                                          -            log  log  log  log  log  log  log  log  log  log  log  ok
# (autocomplete: 403 is Django's answer to a query naming no model; add/delete of a read-only model: 403)
GET    admin/autocomplete/                                                  -            log  log  log  log  log  log  log  log  log  log  log  403
GET    admin/jsi18n/                                                        -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/r/<path:content_type_id>/<path:object_id>/                     -            log  log  log  log  log  log  log  log  log  log  log  404
GET    admin/auth/group/                                                    -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/auth/group/add/                                                -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/auth/group/<path:object_id>/history/                           -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/auth/group/<path:object_id>/delete/                            -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/auth/group/<path:object_id>/change/                            -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/auth/group/<path:object_id>/                                   -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/django_tasks_database/dbtaskresult/                            -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/django_tasks_database/dbtaskresult/add/                        -            log  log  log  log  log  log  log  log  log  log  log  403
GET    admin/django_tasks_database/dbtaskresult/<path:object_id>/history/   -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/django_tasks_database/dbtaskresult/<path:object_id>/delete/    -            log  log  log  log  log  log  log  log  log  log  log  403
GET    admin/django_tasks_database/dbtaskresult/<path:object_id>/change/    -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/django_tasks_database/dbtaskresult/<path:object_id>/           -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/axes/accessattempt/                                            -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/axes/accessattempt/add/                                        -            log  log  log  log  log  log  log  log  log  log  log  403
GET    admin/axes/accessattempt/<path:object_id>/history/                   -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/axes/accessattempt/<path:object_id>/delete/                    -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/axes/accessattempt/<path:object_id>/change/                    -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/axes/accessattempt/<path:object_id>/                           -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/axes/accesslog/                                                -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/axes/accesslog/add/                                            -            log  log  log  log  log  log  log  log  log  log  log  403
GET    admin/axes/accesslog/<path:object_id>/history/                       -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/axes/accesslog/<path:object_id>/delete/                        -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/axes/accesslog/<path:object_id>/change/                        -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/axes/accesslog/<path:object_id>/                               -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/axes/accessfailurelog/                                         -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/axes/accessfailurelog/add/                                     -            log  log  log  log  log  log  log  log  log  log  log  403
GET    admin/axes/accessfailurelog/<path:object_id>/history/                -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/axes/accessfailurelog/<path:object_id>/delete/                 -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/axes/accessfailurelog/<path:object_id>/change/                 -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/axes/accessfailurelog/<path:object_id>/                        -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/workdays/workingdayoverride/                                   -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/workdays/workingdayoverride/add/                               -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/workdays/workingdayoverride/<path:object_id>/history/          -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/workdays/workingdayoverride/<path:object_id>/delete/           -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/workdays/workingdayoverride/<path:object_id>/change/           -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/workdays/workingdayoverride/<path:object_id>/                  -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/workdays/workinghours/                                   -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/workdays/workinghours/add/                               -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/workdays/workinghours/<path:object_id>/history/          -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/workdays/workinghours/<path:object_id>/delete/           -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/workdays/workinghours/<path:object_id>/change/           -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/workdays/workinghours/<path:object_id>/                  -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/spectrum/serviceparameters/                                    -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/spectrum/serviceparameters/add/                                -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/spectrum/serviceparameters/<path:object_id>/history/           -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/spectrum/serviceparameters/<path:object_id>/delete/            -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/spectrum/serviceparameters/<path:object_id>/change/            -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/spectrum/serviceparameters/<path:object_id>/                   -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/planpart/upload/                                     -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/planpart/                                            -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/planpart/add/                                        -            log  log  log  log  log  log  log  log  log  log  log  403
GET    admin/numbering/planpart/<path:object_id>/history/                   -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/planpart/<path:object_id>/delete/                    -            log  log  log  log  log  log  log  log  log  log  log  403
GET    admin/numbering/planpart/<path:object_id>/change/                    -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/planpart/<path:object_id>/                           -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/allocation/                                          -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/allocation/add/                                      -            log  log  log  log  log  log  log  log  log  log  log  403
GET    admin/numbering/allocation/<path:object_id>/history/                 -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/allocation/<path:object_id>/delete/                  -            log  log  log  log  log  log  log  log  log  log  log  403
GET    admin/numbering/allocation/<path:object_id>/change/                  -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/allocation/<path:object_id>/                         -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/assignment/                                          -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/assignment/add/                                      -            log  log  log  log  log  log  log  log  log  log  log  403
GET    admin/numbering/assignment/<path:object_id>/history/                 -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/assignment/<path:object_id>/delete/                  -            log  log  log  log  log  log  log  log  log  log  log  403
GET    admin/numbering/assignment/<path:object_id>/change/                  -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/assignment/<path:object_id>/                         -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/utilisationreport/                                   -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/utilisationreport/add/                               -            log  log  log  log  log  log  log  log  log  log  log  403
GET    admin/numbering/utilisationreport/<path:object_id>/history/          -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/utilisationreport/<path:object_id>/delete/           -            log  log  log  log  log  log  log  log  log  log  log  403
GET    admin/numbering/utilisationreport/<path:object_id>/change/           -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/utilisationreport/<path:object_id>/                  -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/reclamationpolicy/                                   -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/reclamationpolicy/add/                               -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/reclamationpolicy/<path:object_id>/history/          -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/reclamationpolicy/<path:object_id>/delete/           -            log  log  log  log  log  log  log  log  log  log  log  403
GET    admin/numbering/reclamationpolicy/<path:object_id>/change/           -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/reclamationpolicy/<path:object_id>/                  -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/reclamation/                                         -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/reclamation/add/                                     -            log  log  log  log  log  log  log  log  log  log  log  403
GET    admin/numbering/reclamation/<path:object_id>/history/                -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/reclamation/<path:object_id>/delete/                 -            log  log  log  log  log  log  log  log  log  log  log  403
GET    admin/numbering/reclamation/<path:object_id>/change/                 -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/numbering/reclamation/<path:object_id>/                        -            log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/^(?P<app_label>auth|django_tasks_database|axes|workdays|numbering|spectrum)/$ -        log  log  log  log  log  log  log  log  log  log  log  ok
GET    admin/(?P<url>.*)$                                                   -            log  log  log  log  log  log  log  log  log  log  log  404
# The API. Its description and the public operations (log-in, catalogue, definitions, the public check)
# answer everyone; POST token and certificate-login with an empty body: 422 for everyone.
GET    api/openapi.json                                                     -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    api/docs                                                             -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
POST   api/v1/auth/token                                                    -            in   in   in   in   in   in   in   in   in   in   in   in
GET    api/v1/auth/me                                                       -            log  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
POST   api/v1/auth/challenge                                                -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
POST   api/v1/auth/certificate-login                                        -            in   in   in   in   in   in   in   in   in   in   in   in
GET    api/v1/auth/tokens                                                   -            log  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
DELETE api/v1/auth/tokens/<token_id>                                        a_token      log  ok   404  404  404  404  404  404  404  404  404  404
POST   api/v1/auth/logout                                                   -            log  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
# office-certificate: 409 certificate_unavailable for anyone who is not an officer (no certificate of theirs).
GET    api/v1/auth/office-certificate                                       -            log  in   in   ok   ok   ok   ok   ok   ok   ok   in   in
POST   api/v1/auth/office-certificate                                       -            log  in   in   in   in   in   in   in   in   in   in   in
GET    api/v1/services                                                      -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    api/v1/applications                                                  -            log  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
# Creating a portal request: the process's own step 2 (check_authorisation) refuses a non-applicant (201, refused).
POST   api/v1/applications                                                  -            log  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    api/v1/applications/queue                                            -            log  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
# A's requests: A, the region's Inspection (once submitted) and the administrator see them; anyone else 404.
# A role that sees the request but may not complete the step gets 403 (not_allowed).
GET    api/v1/applications/<application_id>                                 registered   log  ok   404  404  ok   404  404  404  404  404  404  ok
GET    api/v1/applications/<application_id>/views                             registered   log  ok   404  404  ok   404  404  404  404  404  404  ok
GET    api/v1/applications/<application_id>/history                         registered   log  ok   404  404  ok   404  404  404  404  404  404  ok
GET    api/v1/applications/<application_id>/exchanges                       registered   log  ok   404  404  ok   404  404  404  404  404  404  ok
GET    api/v1/applications/<application_id>/tasks                           registered   log  ok   404  404  ok   404  404  404  404  404  404  ok
PUT    api/v1/applications/<application_id>/form                            draft        log  ok   404  404  404  404  404  404  404  404  404  403
POST   api/v1/applications/<application_id>/attachments                     draft        log  ok   404  404  404  404  404  404  404  404  404  403
POST   api/v1/applications/<application_id>/fill                            draft        log  in   404  404  404  404  404  404  404  404  404  403
POST   api/v1/applications/<application_id>/payment                         paying       log  ok   404  404  404  404  404  404  404  404  404  403
POST   api/v1/applications/<application_id>/payment/abandon                 paying       log  ok   404  404  404  404  404  404  404  404  404  403
GET    api/v1/applications/<application_id>/signing-payload                 signing      log  ok   404  404  404  404  404  404  404  404  404  ok
POST   api/v1/applications/<application_id>/certificate                     signing      log  ok   404  404  404  404  404  404  404  404  404  403
GET    api/v1/applications/<application_id>/signature                       registered   log  ok   404  404  ok   404  404  404  404  404  404  ok
POST   api/v1/applications/<application_id>/signature                       signing      log  in   404  404  404  404  404  404  404  404  404  403
POST   api/v1/applications/<application_id>/applicant                       staff        log  404  404  404  ok   404  404  404  404  404  404  403
POST   api/v1/applications/<application_id>/scans                           staff_scans  log  404  404  404  in   404  404  404  404  404  404  403
POST   api/v1/applications/<application_id>/decision                        registered   log  403  404  404  in   404  404  404  404  404  404  403
# The PSC channel's requests are the Committee's from the start (visible as entered); only the PSC operator
# takes the intake. A sees them (but may not act on them) once the PSC has received them (the receipt given).
POST   api/v1/applications/<application_id>/intake                          psc_intake   log  404  404  403  404  404  403  403  403  403  ok   403
POST   api/v1/applications/<application_id>/incoming-registration           psc_incoming log  403  404  403  404  404  ok   403  403  403  403  403
POST   api/v1/applications/<application_id>/put-on-portal                   psc_portal   log  403  404  403  404  404  403  403  403  ok   403  403
POST   api/v1/applications/<application_id>/unit-assignment                 s2_unit      log  403  404  403  404  404  403  ok   403  403  404  403
POST   api/v1/applications/<application_id>/executor-assignment             s2_executor  log  403  404  403  404  404  403  403  ok   403  404  403
POST   api/v1/applications/<application_id>/result-signature                s2_sign      log  403  404  403  404  404  403  ok   403  403  404  403
POST   api/v1/applications/<application_id>/survey                          issued       log  in   404  404  403  404  404  404  404  404  404  403
POST   api/v1/applications/<application_id>/withdrawal                      registered   log  ok   404  404  404  404  404  404  404  404  404  404
POST   api/v1/applications/<application_id>/hearing-answer                  registered   log  in   404  404  403  404  404  404  404  404  404  403
POST   api/v1/applications/<application_id>/copy                            issued       log  in   404  404  404  404  404  404  404  404  404  404
GET    api/v1/applications/<application_id>/signature/payload               registered   log  ok   404  404  ok   404  404  404  404  404  404  ok
GET    api/v1/applications/<application_id>/signature/cms                   registered   log  ok   404  404  ok   404  404  404  404  404  404  ok
GET    api/v1/applications/<application_id>/documents/<number>.pdf          issued       log  ok   404  404  ok   404  404  404  404  404  404  ok
# The officer's signature of a result: only the document's signer (the inspector; signed already: 409); the others
# who see the request 403, the rest 404.
GET    api/v1/documents/<number>/signing                                    issued       log  403  404  404  in   404  404  404  404  404  404  403
POST   api/v1/documents/<number>/signing                                    issued       log  403  404  404  in   404  404  404  404  404  404  403
# The gateway's callback: a machine endpoint authenticated by its Pay-Signature; none here: 403 for everyone.
POST   api/v1/gateway/callbacks/payments                                    -            403  403  403  403  403  403  403  403  403  403  403  403
# The registry: any officer reads a record (its data are public); the record's Inspection and the administrator
# change it; applicants and the PSC use the public endpoints (404).
GET    api/v1/registry/records/<number>                                     record       log  404  404  ok   ok   ok   ok   ok   ok   ok   404  ok
POST   api/v1/registry/records/<number>/objects                             record       log  404  404  403  ok   403  403  403  403  403  404  ok
POST   api/v1/registry/records/<number>/branches                            record       log  404  404  403  in   403  403  403  403  403  404  in
POST   api/v1/registry/records/<number>/<action>                            record       log  404  404  403  in   403  403  403  403  403  404  in
GET    api/v1/registry/public/<number>                                      record       ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    api/v1/process-definitions                                           -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    api/v1/process-definitions/<process_id>/bpmn                         -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    api/v1/process-definitions/<process_id>/step-table                   -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
# The API's root page is not served.
GET    api/                                                                 -            404  404  404  404  404  404  404  404  404  404  404  404
POST   tsa/                                                                 -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    pki/crl/<str:name>.crl                                               -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    registry/                                                            -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    registry/<str:number>/                                               record       ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    registry/export.csv                                                  -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
# The spectrum register (public) and the interference pre-check (anyone logged in; the empty body: 422).
# The numbering inventory (docs/resources.md): its admin pages are read-only where a change must go through the
# actions (adding or deleting an allocation, a report, a plan part: 403 even for the administrator); the plan and
# its free blocks are public; allocations: an
# operator's own, officers all; reclamation: officers. The access fixture loads no plan: every part is unknown.
GET    api/v1/numbering/plan                                                -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    api/v1/numbering/plan/<code>/free                                    -            404  404  404  404  404  404  404  404  404  404  404  404
GET    api/v1/numbering/allocations                                         -            log  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
POST   api/v1/numbering/utilisation-reports                                 -            log  in   in   in   in   in   in   in   in   in   in   in
GET    api/v1/numbering/reclamations                                        -            log  403  403  ok   ok   ok   ok   ok   ok   ok   403  ok
POST   api/v1/numbering/reclamations/flag                                   -            log  403  403  ok   ok   ok   ok   ok   ok   ok   403  ok
POST   api/v1/numbering/reclamations/<reclamation_id>/withdrawal            -            log  403  403  404  404  404  404  404  404  404  403  404
GET    numbering/utilisation/                                               -            log  ok   ok   log  log  log  log  log  log  log  log  log
GET    spectrum/                                                            -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    spectrum/export.csv                                                  -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    spectrum/devices/                                                    -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    spectrum/devices/export.csv                                          -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    api/v1/spectrum/assignments                                          -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    api/v1/spectrum/devices                                              -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
POST   api/v1/spectrum/precheck                                             -            log  in   in   in   in   in   in   in   in   in   in   in
GET    verify/                                                              -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    verify/<str:number>.json                                             record       ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    verify/<str:number>/                                                 record       ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
# The portal: applicants only (anyone else is sent to its log-in); A's requests 404 for B. Log-out ends at the log-in.
GET    portal/                                                              -            log  ok   ok   log  log  log  log  log  log  log  log  log
GET    portal/login/                                                        -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    portal/register/                                                     -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
POST   portal/register/                                                     -            in   in   in   in   in   in   in   in   in   in   in   in
POST   portal/logout/                                                       -            log  log  log  log  log  log  log  log  log  log  log  log
GET    portal/services/                                                     -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    portal/services/<str:code>/                                          -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    portal/requests/                                                     -            log  ok   ok   log  log  log  log  log  log  log  log  log
POST   portal/requests/new                                                  -            log  ok   ok   log  log  log  log  log  log  log  log  log
GET    portal/requests/<int:application_id>/                                registered   log  ok   404  log  log  log  log  log  log  log  log  log
GET    portal/requests/<int:application_id>/form                            draft        log  ok   404  log  log  log  log  log  log  log  log  log
POST   portal/requests/<int:application_id>/autosave                        draft        log  ok   404  log  log  log  log  log  log  log  log  log
GET    portal/requests/<int:application_id>/payment                         paying       log  ok   404  log  log  log  log  log  log  log  log  log
GET    portal/requests/<int:application_id>/sign                            signing      log  ok   404  log  log  log  log  log  log  log  log  log
POST   portal/requests/<int:application_id>/survey                          issued       log  ok   404  log  log  log  log  log  log  log  log  log
POST   portal/requests/<int:application_id>/withdrawal                      registered   log  ok   404  log  log  log  log  log  log  log  log  log
POST   portal/requests/<int:application_id>/hearing                         registered   log  ok   404  log  log  log  log  log  log  log  log  log
POST   portal/requests/<int:application_id>/copy                            issued       log  ok   404  log  log  log  log  log  log  log  log  log
GET    portal/requests/<int:application_id>/attachments/<int:attachment_id> registered   log  ok   404  log  log  log  log  log  log  log  log  log
GET    portal/inbox/                                                        -            log  ok   ok   log  log  log  log  log  log  log  log  log
# Powers of attorney (representation/): the principal's and the representative's; A's is B's 404.
GET    portal/powers-of-attorney/                                           -            log  ok   ok   log  log  log  log  log  log  log  log  log
GET    portal/powers-of-attorney/new                                        -            log  ok   ok   log  log  log  log  log  log  log  log  log
POST   portal/powers-of-attorney/new                                        -            log  ok   ok   log  log  log  log  log  log  log  log  log
POST   portal/powers-of-attorney/<int:poa_id>/revocation                    poa          log  ok   404  log  log  log  log  log  log  log  log  log
GET    portal/powers-of-attorney/<int:poa_id>/scan                          poa          log  ok   404  log  log  log  log  log  log  log  log  log
# The back office: staff only; a request's page and its steps as in the API (the act form answers a refusal as a
# message on the request's page: a redirect); the administration pages 404 for staff who are not administrators.
GET    office/                                                              -            log  log  log  ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    office/login/                                                        -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
POST   office/logout/                                                       -            log  log  log  log  log  log  log  log  log  log  log  log
GET    office/certificate/                                                  -            log  log  log  ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    office/requests/                                                     -            log  log  log  ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    office/requests/new/                                                 -            log  log  log  ok   ok   ok   ok   ok   ok   ok   404  404
GET    office/requests/<int:application_id>/                                registered   log  log  log  404  ok   404  404  404  404  404  404  ok
POST   office/requests/<int:application_id>/act                             registered   log  log  log  404  ok   404  404  404  404  404  404  ok
POST   office/requests/<int:application_id>/hearing-close                   registered   log  log  log  404  ok   404  404  404  404  404  404  ok
GET    office/requests/<int:application_id>/enter                           staff        log  log  log  404  ok   404  404  404  404  404  404  ok
GET    office/requests/<int:application_id>/scans                           staff_scans  log  log  log  404  ok   404  404  404  404  404  404  ok
GET    office/requests/<int:application_id>/attachments/<int:attachment_id> registered   log  log  log  404  ok   404  404  404  404  404  404  ok
GET    office/requests/<int:application_id>/draft-order.pdf                 s2_sign      log  log  log  ok   404  404  ok   ok   ok   ok   404  ok
POST   office/requests/<int:application_id>/documents/<str:number>/sign   issued       log  log  log  404  ok   404  404  404  404  404  404  ok
GET    office/requests/<int:application_id>/documents/<str:number>/to-sign issued      log  log  log  404  ok   404  404  404  404  404  404  ok
GET    office/admin/                                                        -            log  log  log  404  404  404  404  404  404  404  404  ok
GET    office/admin/users/                                                  -            log  log  log  404  404  404  404  404  404  404  404  ok
GET    office/admin/users/<int:user_id>/                                    -            log  log  log  404  404  404  404  404  404  404  404  ok
GET    office/admin/users/new/                                              -            log  log  log  404  404  404  404  404  404  404  404  ok
POST   office/admin/users/new/                                              -            log  log  log  404  404  404  404  404  404  404  404  in
GET    office/admin/calendar/                                               -            log  log  log  404  404  404  404  404  404  404  404  ok
GET    office/admin/fees/                                                   -            log  log  log  404  404  404  404  404  404  404  404  ok
GET    office/admin/fees/<int:fee_id>/                                      -            log  log  log  404  404  404  404  404  404  404  404  ok
GET    office/admin/trust/                                                  -            log  log  log  404  404  404  404  404  404  404  404  ok
POST   office/admin/fees/payment-terms/                                     -            log  log  log  404  404  404  404  404  404  404  404  ok
# The indicators: every member of staff (the PSC operator too, though the desk does not link them).
GET    office/indicators/                                                   -            log  log  log  ok   ok   ok   ok   ok   ok   ok   ok   ok
# Powers of attorney: every staff member records one from a paper request (the PSC's operator too), finds and revokes.
GET    office/powers-of-attorney/                                           -            log  log  log  ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    office/powers-of-attorney/new                                        -            log  log  log  ok   ok   ok   ok   ok   ok   ok   ok   ok
POST   office/powers-of-attorney/new                                        -            log  log  log  ok   ok   ok   ok   ok   ok   ok   ok   ok
POST   office/powers-of-attorney/<int:poa_id>/revocation                    poa          log  log  log  ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    office/powers-of-attorney/<int:poa_id>/scan                          poa          log  log  log  ok   ok   ok   ok   ok   ok   ok   ok   ok
# The PSC desk: PSC operators (and the superuser); other users 404. Booking a slot: applicants.
GET    psc/                                                                 -            log  404  404  404  404  404  404  404  404  404  ok   ok
POST   psc/tickets/issue                                                    -            log  404  404  404  404  404  404  404  404  404  ok   ok
POST   psc/tickets/call-next                                                -            log  404  404  404  404  404  404  404  404  404  ok   ok
GET    psc/tickets/<int:ticket_id>/                                         ticket       log  404  404  404  404  404  404  404  404  404  ok   ok
GET    psc/tickets/<int:ticket_id>/receipt                                  ticket       log  404  404  404  404  404  404  404  404  404  ok   ok
GET    psc/book/                                                            -            log  ok   ok   log  log  log  log  log  log  log  log  log
GET    psc/results/                                                         -            log  404  404  404  404  404  404  404  404  404  ok   ok
POST   psc/results/                                                         -            log  404  404  404  404  404  404  404  404  404  ok   ok
POST   web/validate/<str:kind>                                              -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    healthz                                                              -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
GET    readyz                                                               -            ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
"""

# Bodies of the state-changing calls: minimal, valid for the schema ("@user:<role>": that role's user id).
BODIES = {
    "POST api/v1/numbering/utilisation-reports": {"year": 2026, "half": 1, "lines": []},
    "POST i18n/setlang/": {"language": "ru", "next": "/"},
    "POST api/v1/auth/office-certificate": {"challenge": "0", "cms_b64": "AA=="},
    "POST api/v1/documents/<number>/signing": {"cms_b64": "AA=="},
    "POST api/v1/applications": {"service": "S4", "sub_kind": "device", "region": "almaty-city"},
    "PUT api/v1/applications/<application_id>/form": {"data": {}, "version": 0},
    "POST api/v1/applications/<application_id>/attachments": {"document_code": "application", "is_scan": "false"},
    "POST api/v1/applications/<application_id>/certificate": {"certificate_pem": "@pem"},
    "POST api/v1/applications/<application_id>/signature": {"cms_b64": "AA=="},
    "POST api/v1/applications/<application_id>/applicant": {"iin": "@iin"},
    "POST api/v1/applications/<application_id>/scans": {"documents_presented": ["application"]},
    "POST api/v1/applications/<application_id>/decision": {"decision": "approve"},
    "POST api/v1/applications/<application_id>/intake": {"iin": "@iin", "documents_presented": ["application"]},
    "POST api/v1/applications/<application_id>/executor-assignment": {"executor_id": "@user:executor"},
    "POST api/v1/applications/<application_id>/survey": {"process_quality": 9, "information_quality": 9},
    "POST api/v1/registry/records/<number>/objects": {"name": "", "address": ""},
    "POST api/v1/registry/records/<number>/branches": {"bin": "1", "name": ""},
    "POST api/v1/registry/records/<number>/<action>": {"reason": "matrix", "version": -1},
    "POST portal/requests/new": {"service": "S4", "sub_kind": "device", "region": "almaty-city"},
    "POST portal/requests/<int:application_id>/survey": {"process_quality": "9", "information_quality": "9"},
    "POST office/requests/<int:application_id>/act": {"action": "refuse"},
    "POST web/validate/<str:kind>": {"value": "1"},
}
MULTIPART = {"POST api/v1/applications/<application_id>/attachments"}
KNOWN_DEFECTS = {}

# Known defects of the empty-body check (test_refused_before_the_body_is_read), xfail (strict) until fixed.
BODY_FIRST = (
    "django-ninja validates the body before the view runs, and the view is where the request is looked up "
    "(visible() → 404) and the action checks the actor (403): an authenticated caller who may not make the call "
    "gets 422 for an empty body. Fix (applications/api.py, registry/api.py): do the lookup and the actor check in an "
    "operation's auth callable (run by ninja before the parameters are parsed), e.g. an auth class that "
    "authenticates the token and then get_object_or_404(visible(user), pk=<application_id>)")
VALIDATED_FIRST = dict.fromkeys((
    "PUT api/v1/applications/<application_id>/form",
    "POST api/v1/applications/<application_id>/attachments",
    "POST api/v1/applications/<application_id>/certificate",
    "POST api/v1/applications/<application_id>/signature",
    "POST api/v1/applications/<application_id>/scans",
    "POST api/v1/applications/<application_id>/decision",
    "POST api/v1/applications/<application_id>/intake",
    "POST api/v1/applications/<application_id>/executor-assignment",
    "POST api/v1/applications/<application_id>/survey",
    "POST api/v1/registry/records/<number>/objects",
    "POST api/v1/registry/records/<number>/branches",
    "POST api/v1/registry/records/<number>/<action>",
), BODY_FIRST)
# The body is valid (every field optional) but the action reads it before it checks the actor: none now
# (applications.actions.enter_application checks the actor before it parses the IIN or asks the registry).
ACTION_FIRST: dict[str, dict[str, str]] = {}


@dataclass
class Row:
    method: str
    route: str
    subject: str
    expect: dict = field(default_factory=dict)
    known: dict = field(default_factory=dict)  # role → known-defect reason

    @property
    def key(self) -> str:
        return f"{self.method} {self.route}"

    @property
    def api(self) -> bool:
        return self.route.startswith("api/v1/")

    @property
    def body(self):
        return BODIES.get(self.key)

    @property
    def multipart(self) -> bool:
        return self.key in MULTIPART

    @property
    def changes_state(self) -> bool:
        return self.method != "GET"


def parse(text: str) -> list[Row]:
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        method, route, subject, *cells = line.split()
        route = "" if route == "/" else route  # the home page's route is empty
        assert len(cells) == len(ROLES), (line, len(cells))
        row = Row(method, route, subject)
        for role, cell in zip(ROLES, cells, strict=True):
            if cell.startswith("x:"):
                cell = cell[2:]
                row.known[role] = KNOWN_DEFECTS.get(row.key, "known defect")
            row.expect[role] = cell
        rows.append(row)
    return rows


ROWS = parse(TABLE)


def _param(row, role):
    marks = [pytest.mark.xfail(strict=True, reason=row.known[role])] if role in row.known else []
    return pytest.param(row, role, marks=marks, id=f"{row.key}|{role}")


def cells():
    return [_param(row, role) for row in ROWS for role in ROLES]


def _known_body_first(row, role) -> str:
    if role != "anonymous" and row.key in VALIDATED_FIRST:
        return VALIDATED_FIRST[row.key]
    return ACTION_FIRST.get(row.key, {}).get(role, "")


def refused_cells():
    cells = []
    for row in ROWS:
        if not (row.api and row.changes_state and (row.body or row.multipart)):
            continue
        for role in ROLES:
            if row.expect[role] in ("log", "403", "404"):
                reason = _known_body_first(row, role)
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                cells.append(pytest.param(row, role, marks=marks, id=f"{row.key}|{role}"))
    return cells


def render(actual: dict, rows=None) -> str:
    """The table with the outcomes found (ACCESS_MATRIX_ACTUAL)."""
    rows = rows or ROWS
    width = max(len(r.route) for r in rows)
    head = f"# {'method':<6} {'route':<{width - 2}} {'subject':<12} " + " ".join(f"{c:<4}" for c in COLUMNS)
    lines = [head]
    for r in rows:
        cells = " ".join(f"{actual.get((r.key, role), '?'):<4}" for role in ROLES)
        lines.append(f"{r.method:<6} {r.route or '/':<{width}} {r.subject:<12} {cells}".rstrip())
    return "\n".join(lines) + "\n"
