"""The regulations' step tables, written down in the project's own words as test data.

Sources (read once, not needed at test time):
* Order No. 809 of 26.11.2012, appendices 1-4 (S1-S4): "table 1" of appendix 3
  (the portal, diagram 1) and "table 2" (the provider's staff, diagram 2);
* the 2015 regulation of S2: item 10 (portal), item 11 (staff), item 9 (public
  service centre) and item 8 (the provider's internal steps; item 5 repeats
  them with one different norm).

Each row is (step, actor, action, ends with, norm, next), in the table's order.
Where the source tables carry copy-editing slips, the rows follow the reading in
the project's regulations spec (its "Resolution" notes) and say so in a comment.

`DEVIATIONS` lists, per table, the cells where the process definition
deliberately differs from the regulation, each with a one-line justification.
The test applies them to the rows here and compares with the generated table.
"""

# Actors (the lanes' names in the BPMN files)
APPLICANT = "Applicant"
PORTAL = "E-government portal"
PAYMENT_GATEWAY = "E-government payment gateway"
ELICENSING = "E-licensing"
REGISTRIES = "Individuals / Legal entities registries"
COMMITTEE = "Committee"
INSPECTION = "Inspection"
PSC = "Public service centre"
OFFICE_CLERK = "Office clerk"
HEAD = "Head of the provider"
UNIT_HEAD = "Head of the structural unit"
EXECUTOR = "Responsible executor"

# Completion forms ("ends with" column)
FORMED = "message that the request was formed correctly"
ACTION_FORMED = "message that the action was formed correctly"
REFUSAL = "refusal message"
SENT = "request sent"
REGISTERED = "request registered under a number"

# Actions shared by the 2012 tables
LOG_IN = "Attach the EDS registration certificate in the browser and log in to the portal"
REFUSE_AUTH = "Form a refusal: violations in the applicant's data (authorisation refused)"
FILL = "Choose the service, fill in the request and attach the documents electronically"
PAY = "Pay the fee through the payment gateway"
REFUSE_NOT_PAID = "Form a refusal: the fee is not paid"
CHOOSE_EDS = "Choose the EDS registration certificate to sign the request with"
REFUSE_EDS = "Form a refusal: the applicant's EDS is not confirmed"
SIGN = "Sign the request with the EDS"
REGISTER = "Register the request under a number and process it"
REFUSE_CHECK = "Form a refusal: violations in the applicant's data (qualification check failed)"
LICENCE = "Issue the electronic licence"
ORDER = "Issue the electronic document: the order"
PERMIT = "Issue the electronic document: the permit"

OFFICER_LOG_IN = "Log in to E-licensing with the officer's login and password"
REFUSE_OFFICER = "Form a refusal: the officer's data are invalid (authorisation refused)"
ENTER = "Choose the service, open the request form and enter the applicant's data"
QUERY_REGISTRY = "Query the Individuals / Legal entities registry through the e-government gateway for the applicant's data"
NO_DATA = "Form a message: the applicant's data cannot be obtained"
SCANS = "Fill in the request form, mark the documents presented on paper, scan them and attach the scans"

# Branch wordings of the "next" column
AUTH = "{} if the applicant's data are invalid; {} if authorised"
EDS = "{} if the EDS is not confirmed; {} if the EDS is confirmed"
PAID = "{} if not paid; {} if paid"
CHECK = "{} if the qualification check fails; {} if it passes"
OFFICER_AUTH = "{} if the login or password is invalid; {} if authorised"
FOUND = "{} if the applicant is not found; {} if the applicant is found"
DOCUMENT_SET = "{} if the document set is incomplete; {} if the document set is complete"
SIGNATURE = "{} if the signature is not valid; {} if the signature is valid"

NONE = "—"

# ---------------------------------------------------------------------------
# Portal (appendix 3, table 1), 2012
# ---------------------------------------------------------------------------
# The tables name the portal as the actor of "register and process"; the text
# (diagram 1, process 9/7) says E-licensing registers the request: the spec
# follows the text.
S1_PORTAL_2012 = [
    ("1", APPLICANT, LOG_IN, FORMED, "10–15 s", AUTH.format(2, 3)),
    ("2", PORTAL, REFUSE_AUTH, REFUSAL, "20 s", NONE),
    ("3", APPLICANT, FILL, FORMED, "1.5 min", "4"),
    ("4", PAYMENT_GATEWAY, PAY, ACTION_FORMED, "1.5 min", PAID.format(5, 6)),
    ("5", PORTAL, REFUSE_NOT_PAID, REFUSAL, "10–15 s", NONE),
    ("6", APPLICANT, CHOOSE_EDS, SENT, "10–15 s", EDS.format(7, 8)),
    ("7", PORTAL, REFUSE_EDS, REFUSAL, "10–15 s", NONE),
    ("8", APPLICANT, SIGN, SENT, "1.5 min", "9"),
    ("9", ELICENSING, REGISTER, REGISTERED, "15 calendar days", CHECK.format(10, 11)),
    ("10", PORTAL, REFUSE_CHECK, REFUSAL, NONE, NONE),
    ("11", PORTAL, LICENCE, "electronic licence", NONE, NONE),
]

# Row 8 of the source reads "refusal for non-payment" (copied from S1) and the
# "next" of row 7 speaks of data found in E-licensing: the text has no payment
# step and a qualification check (C3), which the spec follows.
S2_PORTAL_2012 = [
    ("1", APPLICANT, LOG_IN, FORMED, "10–15 s", AUTH.format(2, 3)),
    ("2", PORTAL, REFUSE_AUTH, REFUSAL, "20 s", NONE),
    ("3", APPLICANT, FILL, FORMED, "1.5 min", "4"),
    ("4", APPLICANT, CHOOSE_EDS, SENT, "10–15 s", EDS.format(5, 6)),
    ("5", PORTAL, REFUSE_EDS, REFUSAL, "10–15 s", NONE),
    ("6", APPLICANT, SIGN, SENT, "1.5 min", "7"),
    ("7", ELICENSING, REGISTER, REGISTERED, NONE, CHECK.format(8, 9)),
    ("8", PORTAL, REFUSE_CHECK, REFUSAL, NONE, NONE),
    ("9", PORTAL, ORDER, "order", "30 calendar days", NONE),
]

# Payment after the provider's check.
S3_PORTAL_2012 = [
    ("1", APPLICANT, LOG_IN, FORMED, "10–15 s", AUTH.format(2, 3)),
    ("2", PORTAL, REFUSE_AUTH, REFUSAL, "20 s", NONE),
    ("3", APPLICANT, FILL, FORMED, "1.5 min", "4"),
    ("4", APPLICANT, CHOOSE_EDS, SENT, "10–15 s", EDS.format(5, 6)),
    ("5", PORTAL, REFUSE_EDS, REFUSAL, "10–15 s", NONE),
    ("6", APPLICANT, SIGN, SENT, "1.5 min", "7"),
    ("7", ELICENSING, REGISTER, REGISTERED, NONE, CHECK.format(8, 9)),
    ("8", PORTAL, REFUSE_CHECK, REFUSAL, NONE, NONE),
    ("9", PAYMENT_GATEWAY, PAY, ACTION_FORMED, "1.5 min", PAID.format(10, 11)),
    ("10", PORTAL, REFUSE_NOT_PAID, REFUSAL, "10–15 s", NONE),
    ("11", PORTAL, PERMIT, "permit", "60 calendar days", NONE),
]

# As S2 (the same slip in row 8), with the Inspection checking and a permit.
S4_PORTAL_2012 = [
    ("1", APPLICANT, LOG_IN, FORMED, "10–15 s", AUTH.format(2, 3)),
    ("2", PORTAL, REFUSE_AUTH, REFUSAL, "20 s", NONE),
    ("3", APPLICANT, FILL, FORMED, "1.5 min", "4"),
    ("4", APPLICANT, CHOOSE_EDS, SENT, "10–15 s", EDS.format(5, 6)),
    ("5", PORTAL, REFUSE_EDS, REFUSAL, "10–15 s", NONE),
    ("6", APPLICANT, SIGN, SENT, "1.5 min", "7"),
    ("7", ELICENSING, REGISTER, REGISTERED, NONE, CHECK.format(8, 9)),
    ("8", PORTAL, REFUSE_CHECK, REFUSAL, NONE, NONE),
    ("9", PORTAL, PERMIT, "permit", "16 calendar days", NONE),
]


# ---------------------------------------------------------------------------
# Staff (appendix 3, table 2 = diagram 2, processes P1-P9), 2012
# ---------------------------------------------------------------------------
# The source's "next" column of table 2 is shifted by rows (row 1 names the
# login check C1, row 4 carries the authorisation wording, row 7 the registry
# wording); the rows below give the branches of diagram 2 as the spec reads it.
# S3's table 2 names the Committee as the officer; the project's provider for
# S3/S4 is the Inspection (conventions doc).
def _staff_2012(officer, result, result_ends, deadline):
    return [
        ("P1", officer, OFFICER_LOG_IN, FORMED, "10–15 s", OFFICER_AUTH.format("P2", "P3")),
        ("P2", ELICENSING, REFUSE_OFFICER, REFUSAL, "10 s", NONE),
        ("P3", officer, ENTER, FORMED, "1.5 min", "P4"),
        ("P4", REGISTRIES, QUERY_REGISTRY, SENT, "1.5 min", FOUND.format("P5", "P6")),
        ("P5", ELICENSING, NO_DATA, REFUSAL, "1.5 min", NONE),
        ("P6", officer, SCANS, SENT, "10–15 s", "P7"),
        ("P7", ELICENSING, REGISTER, REGISTERED, NONE, CHECK.format("P8", "P9")),
        ("P8", ELICENSING, REFUSE_CHECK, REFUSAL, NONE, NONE),
        ("P9", ELICENSING, result, result_ends, deadline, NONE),
    ]


S1_STAFF_2012 = _staff_2012(COMMITTEE, LICENCE, "electronic licence", "15 calendar days")
S2_STAFF_2012 = _staff_2012(COMMITTEE, ORDER, "order", "30 calendar days")
S3_STAFF_2012 = _staff_2012(INSPECTION, PERMIT, "permit", "60 calendar days")
S4_STAFF_2012 = _staff_2012(INSPECTION, PERMIT, "permit", "16 calendar days")


# ---------------------------------------------------------------------------
# S2, 2015 regulation
# ---------------------------------------------------------------------------
# The provider's internal steps, item 8 (spec §6). Item 5 gives the head of
# the structural unit 4 hours to pick the executor; item 8 splits this into the
# head (3 hours) and the unit head (2 hours): the spec follows item 8.
OFFICE_2015 = {
    "1": ("1", OFFICE_CLERK,
          "Receive the application from the PSC, open it, register it in the document-management system "
          "(number and date), make its electronic copy and pass it to the responsible executor",
          "application registered in the document-management system; electronic copy made", "15 minutes", "2"),
    "2": ("2", EXECUTOR, "Process the application and put it on the portal",
          "processed application placed on the portal", "1 hour", "3"),
    "3": ("3", HEAD, "Assign the application to the head of the structural unit",
          "the head's resolution on the portal", "3 hours", "4"),
    "4": ("4", UNIT_HEAD, "Review the application and assign the responsible executor",
          "responsible executor assigned", "2 hours", "5"),
    "5": ("5", EXECUTOR,
          "Check the completeness of the documents and the correctness of the data; draft the order "
          "(complete set) or a reasoned refusal (incomplete set)",
          "draft order or reasoned refusal on the portal", "29 working days", "6"),
    "6": ("6", HEAD, "Sign the result and send it to the portal", "result signed and sent to the portal",
          "2 hours", NONE),
}


def _office(*steps, last_next=NONE):
    rows = [OFFICE_2015[s] for s in steps]
    rows[-1] = rows[-1][:5] + (last_next,)
    return rows


REFUSE_2015 = "Form the reasoned refusal (violations in the applicant's data)"

# Item 10 (portal). The 2015 text numbers processes and conditions but has no
# table: no norms and no completion forms; the completion forms are those of the
# 2012 table for the same steps. Office steps 1-2 are for paper applications
# only (items 5.1, 5.2), so the portal request goes from P7 to office step 3.
S2_PORTAL_2015 = [
    ("P1", APPLICANT, LOG_IN, FORMED, NONE, AUTH.format("P2", "P3")),
    ("P2", PORTAL, REFUSE_AUTH, REFUSAL, NONE, NONE),
    ("P3", APPLICANT, FILL, FORMED, NONE, "P4"),
    ("P4", APPLICANT, CHOOSE_EDS, SENT, NONE, EDS.format("P5", "P6")),
    ("P5", PORTAL, REFUSE_EDS, REFUSAL, NONE, NONE),
    ("P6", APPLICANT, SIGN, SENT, NONE, "P7"),
    ("P7", ELICENSING, REGISTER, REGISTERED, NONE, "3"),
    *_office("3", "4", "5", "6", last_next=DOCUMENT_SET.format("P8", "P9")),
    ("P8", ELICENSING, REFUSE_2015, "reasoned refusal", NONE, NONE),
    ("P9", PORTAL, ORDER, "order", NONE, NONE),
]

# Item 11 (through the provider): the responsible executor enters the request.
S2_STAFF_2015 = [
    ("P1", "Committee (responsible executor)", OFFICER_LOG_IN, FORMED, NONE, OFFICER_AUTH.format("P2", "P3")),
    ("P2", ELICENSING, REFUSE_OFFICER, REFUSAL, NONE, NONE),
    ("P3", "Committee (responsible executor)", ENTER, FORMED, NONE, "P4"),
    ("P4", REGISTRIES, QUERY_REGISTRY, SENT, NONE, FOUND.format("P5", "P6")),
    ("P5", ELICENSING, NO_DATA, REFUSAL, NONE, NONE),
    ("P6", "Committee (responsible executor)", SCANS, SENT, NONE, "P7"),
    ("P7", ELICENSING, REGISTER, REGISTERED, NONE, "3"),
    *_office("3", "4", "5", "6", last_next=DOCUMENT_SET.format("P8", "P9")),
    ("P8", ELICENSING, REFUSE_2015, "reasoned refusal", NONE, NONE),
    ("P9", ELICENSING, ORDER, "order", NONE, NONE),
]

# Item 9 (public service centre; it numbers no steps, the project calls them
# PSC1-PSC4), then all six office steps of item 8. The order or reasoned refusal
# is what step 6 signs and sends; it makes no row of its own.
S2_PSC_2015 = [
    ("PSC1", PSC, "Accept the documents listed in item 9 of the standard and check that the set is complete",
     "receipt or refusal receipt", "20 minutes", DOCUMENT_SET.format("PSC2", "PSC3")),
    ("PSC2", PSC, "Refuse to accept the documents and give a refusal receipt (appendix 4 of the standard)",
     "refusal receipt", NONE, NONE),
    ("PSC3", PSC, "Give the applicant a receipt with the date of acceptance and the planned date of the result",
     "receipt", NONE, "PSC4"),
    ("PSC4", PSC, "Forward the application to the provider", "application forwarded to the provider the same day",
     NONE, "1"),
    *_office("1", "2", "3", "4", "5", "6"),
]



def _with_hearing(rows, provider):
    """A 2012 portal table with the preliminary hearing before a refusal on the substance (the 2026 versions,
    docs/refusals.md; Administrative Procedural Code, art. 73): the check's refusal branch goes to the notice
    (H1), the applicant's answer (H2) and the decision after it (H3), which refuses or lets the request pass."""
    out = []
    for row in rows:
        step, actor, action, ends, norm, next_ = row
        if next_.endswith(" if it passes") and " if the qualification check fails; " in next_:
            refusal, passes = next_.split(" if the qualification check fails; ")
            passes = passes.removesuffix(" if it passes")
            out.append((step, actor, action, ends, norm, f"H1 if a refusal is intended; {passes} if it passes"))
            out += [
                ("H1", ELICENSING, "Notify the applicant of the intended refusal, its ground and the term to answer",
                 "notice of the intended refusal", NONE, "H2"),
                ("H2", APPLICANT, "State a position on the intended refusal",
                 "the applicant's position, or none within the term", NONE, "H3"),
                ("H3", provider, "Decide after the hearing, taking the applicant's position into account",
                 "decision: approve or refuse", NONE,
                 f"{refusal} if refused after the hearing; {passes} if approved after the hearing"),
            ]
        else:
            out.append(row)
    return out


TABLES = {
    ("S1", "portal", "2026"): _with_hearing(S1_PORTAL_2012, COMMITTEE),
    ("S3", "portal", "2026"): _with_hearing(S3_PORTAL_2012, INSPECTION),
    ("S4", "portal", "2026"): _with_hearing(S4_PORTAL_2012, INSPECTION),
    ("S1", "portal", "2012"): S1_PORTAL_2012,
    ("S1", "staff", "2012"): S1_STAFF_2012,
    ("S2", "portal", "2012"): S2_PORTAL_2012,
    ("S2", "staff", "2012"): S2_STAFF_2012,
    ("S3", "portal", "2012"): S3_PORTAL_2012,
    ("S3", "staff", "2012"): S3_STAFF_2012,
    ("S4", "portal", "2012"): S4_PORTAL_2012,
    ("S4", "staff", "2012"): S4_STAFF_2012,
    ("S2", "portal", "2015"): S2_PORTAL_2015,
    ("S2", "staff", "2015"): S2_STAFF_2015,
    ("S2", "psc", "2015"): S2_PSC_2015,
}

COLUMNS = ("step", "actor", "action", "ends_with", "norm", "next")

# (service, channel, version) -> {(step, column): (value in the definition, why)}
_SIGNATURE_WHY = ("the system also verifies the signature over the request's bytes; a bad signature "
                  "ends in the same 'EDS not confirmed' refusal")
DEVIATIONS = {
    ("S1", "portal", "2012"): {("8", "next"): (SIGNATURE.format(7, 9), _SIGNATURE_WHY)},
    ("S1", "portal", "2026"): {("8", "next"): (SIGNATURE.format(7, 9), _SIGNATURE_WHY)},
    ("S3", "portal", "2026"): {("6", "next"): (SIGNATURE.format(5, 7), _SIGNATURE_WHY)},
    ("S4", "portal", "2026"): {("6", "next"): (SIGNATURE.format(5, 7), _SIGNATURE_WHY)},
    ("S2", "portal", "2012"): {("6", "next"): (SIGNATURE.format(5, 7), _SIGNATURE_WHY)},
    ("S3", "portal", "2012"): {("6", "next"): (SIGNATURE.format(5, 7), _SIGNATURE_WHY)},
    ("S4", "portal", "2012"): {("6", "next"): (SIGNATURE.format(5, 7), _SIGNATURE_WHY)},
    ("S2", "portal", "2015"): {("P6", "next"): (SIGNATURE.format("P5", "P7"), _SIGNATURE_WHY)},
}


def expected_table(key):
    """The regulation's rows with the listed deviations applied."""
    rows = [list(r) for r in TABLES[key]]
    for (step, column), (value, _why) in DEVIATIONS.get(key, {}).items():
        (row,) = [r for r in rows if r[0] == step]
        row[COLUMNS.index(column)] = value
    return [tuple(r) for r in rows]
