"""The names in the process definitions (BPMN), for the diagram in the page's language.

The definitions name their nodes in English (the regulation's text, also used by the step tables);
the back office's diagram shows them translated. Generated from services/definitions by
``python -m backoffice.bpmn_labels``; a test checks it lists every name."""
from django.utils.translation import pgettext_lazy

LABELS = {
    'Accept the documents listed in item 9 of the standard and check that the set is complete': pgettext_lazy("bpmn", 'Accept the documents listed in item 9 of the standard and check that the set is complete'),
    'Applicant': pgettext_lazy("bpmn", 'Applicant'),
    'Applicant authorised?': pgettext_lazy("bpmn", 'Applicant authorised?'),
    'Applicant found in the registry?': pgettext_lazy("bpmn", 'Applicant found in the registry?'),
    'Applicant served at the PSC (electronic queue)': pgettext_lazy("bpmn", 'Applicant served at the PSC (electronic queue)'),
    'Assign the application to the head of the structural unit': pgettext_lazy("bpmn", 'Assign the application to the head of the structural unit'),
    'Attach the EDS registration certificate in the browser and log in to the portal': pgettext_lazy("bpmn", 'Attach the EDS registration certificate in the browser and log in to the portal'),
    'Check the applicant against the qualification requirements and the grounds for issuing': pgettext_lazy("bpmn", 'Check the applicant against the qualification requirements and the grounds for issuing'),
    'Check the certificate: validity period, revocation list, IIN/BIN of the request': pgettext_lazy("bpmn", 'Check the certificate: validity period, revocation list, IIN/BIN of the request'),
    'Check the completeness of the documents and the correctness of the data; draft the order (complete set) or a reasoned refusal (incomplete set)': pgettext_lazy("bpmn", 'Check the completeness of the documents and the correctness of the data; draft the order (complete set) or a reasoned refusal (incomplete set)'),
    'Check the payment fact': pgettext_lazy("bpmn", 'Check the payment fact'),
    'Choose the EDS registration certificate to sign the request with': pgettext_lazy("bpmn", 'Choose the EDS registration certificate to sign the request with'),
    'Choose the service, fill in the request and attach the documents electronically': pgettext_lazy("bpmn", 'Choose the service, fill in the request and attach the documents electronically'),
    "Choose the service, open the request form and enter the applicant's data": pgettext_lazy("bpmn", "Choose the service, open the request form and enter the applicant's data"),
    'Committee': pgettext_lazy("bpmn", 'Committee'),
    'Committee (responsible executor)': pgettext_lazy("bpmn", 'Committee (responsible executor)'),
    'Document set complete?': pgettext_lazy("bpmn", 'Document set complete?'),
    'Documents not accepted': pgettext_lazy("bpmn", 'Documents not accepted'),
    'E-government payment gateway': pgettext_lazy("bpmn", 'E-government payment gateway'),
    'E-government portal': pgettext_lazy("bpmn", 'E-government portal'),
    'E-licensing': pgettext_lazy("bpmn", 'E-licensing'),
    'EDS confirmed?': pgettext_lazy("bpmn", 'EDS confirmed?'),
    'End the request: documents not accepted': pgettext_lazy("bpmn", 'End the request: documents not accepted'),
    'Fee paid?': pgettext_lazy("bpmn", 'Fee paid?'),
    'Fill in the request form, mark the documents presented on paper, scan them and attach the scans': pgettext_lazy("bpmn", 'Fill in the request form, mark the documents presented on paper, scan them and attach the scans'),
    "Form a message: the applicant's data cannot be obtained": pgettext_lazy("bpmn", "Form a message: the applicant's data cannot be obtained"),
    "Form a refusal: the applicant's EDS is not confirmed": pgettext_lazy("bpmn", "Form a refusal: the applicant's EDS is not confirmed"),
    'Form a refusal: the fee is not paid': pgettext_lazy("bpmn", 'Form a refusal: the fee is not paid'),
    "Form a refusal: the officer's data are invalid (authorisation refused)": pgettext_lazy("bpmn", "Form a refusal: the officer's data are invalid (authorisation refused)"),
    "Form a refusal: violations in the applicant's data (authorisation refused)": pgettext_lazy("bpmn", "Form a refusal: violations in the applicant's data (authorisation refused)"),
    "Form a refusal: violations in the applicant's data (qualification check failed)": pgettext_lazy("bpmn", "Form a refusal: violations in the applicant's data (qualification check failed)"),
    "Form the reasoned refusal (violations in the applicant's data)": pgettext_lazy("bpmn", "Form the reasoned refusal (violations in the applicant's data)"),
    'Forward the application to the provider': pgettext_lazy("bpmn", 'Forward the application to the provider'),
    'Give the applicant a receipt with the date of acceptance and the planned date of the result': pgettext_lazy("bpmn", 'Give the applicant a receipt with the date of acceptance and the planned date of the result'),
    'Head of the provider': pgettext_lazy("bpmn", 'Head of the provider'),
    'Head of the structural unit': pgettext_lazy("bpmn", 'Head of the structural unit'),
    'Individuals / Legal entities registries': pgettext_lazy("bpmn", 'Individuals / Legal entities registries'),
    'Inspection': pgettext_lazy("bpmn", 'Inspection'),
    'Issue the electronic document: the order': pgettext_lazy("bpmn", 'Issue the electronic document: the order'),
    'Issue the electronic document: the permit': pgettext_lazy("bpmn", 'Issue the electronic document: the permit'),
    'Issue the electronic licence': pgettext_lazy("bpmn", 'Issue the electronic licence'),
    'Licence issued': pgettext_lazy("bpmn", 'Licence issued'),
    "Log in to E-licensing with the officer's login and password": pgettext_lazy("bpmn", "Log in to E-licensing with the officer's login and password"),
    'Login and password valid?': pgettext_lazy("bpmn", 'Login and password valid?'),
    'Office clerk': pgettext_lazy("bpmn", 'Office clerk'),
    'Officer opens the request form': pgettext_lazy("bpmn", 'Officer opens the request form'),
    'Order issued': pgettext_lazy("bpmn", 'Order issued'),
    'Pay the fee through the payment gateway': pgettext_lazy("bpmn", 'Pay the fee through the payment gateway'),
    'Permit issued': pgettext_lazy("bpmn", 'Permit issued'),
    'Process the application and put it on the portal': pgettext_lazy("bpmn", 'Process the application and put it on the portal'),
    'Public service centre': pgettext_lazy("bpmn", 'Public service centre'),
    'Qualification check passed?': pgettext_lazy("bpmn", 'Qualification check passed?'),
    "Query the Individuals / Legal entities registry through the e-government gateway for the applicant's data": pgettext_lazy("bpmn", "Query the Individuals / Legal entities registry through the e-government gateway for the applicant's data"),
    'Receive the application from the PSC, open it, register it in the document-management system (number and date), make its electronic copy and pass it to the responsible executor': pgettext_lazy("bpmn", 'Receive the application from the PSC, open it, register it in the document-management system (number and date), make its electronic copy and pass it to the responsible executor'),
    'Refuse to accept the documents and give a refusal receipt (appendix 4 of the standard)': pgettext_lazy("bpmn", 'Refuse to accept the documents and give a refusal receipt (appendix 4 of the standard)'),
    'Register the request in E-licensing under a number': pgettext_lazy("bpmn", 'Register the request in E-licensing under a number'),
    'Register the request under a number and process it': pgettext_lazy("bpmn", 'Register the request under a number and process it'),
    'Request opened on the portal': pgettext_lazy("bpmn", 'Request opened on the portal'),
    'Request refused': pgettext_lazy("bpmn", 'Request refused'),
    'Responsible executor': pgettext_lazy("bpmn", 'Responsible executor'),
    'Review the application and assign the responsible executor': pgettext_lazy("bpmn", 'Review the application and assign the responsible executor'),
    'Send the order to the portal': pgettext_lazy("bpmn", 'Send the order to the portal'),
    'Send the reasoned refusal to the portal': pgettext_lazy("bpmn", 'Send the reasoned refusal to the portal'),
    'Sign the request with the EDS': pgettext_lazy("bpmn", 'Sign the request with the EDS'),
    'Sign the result and send it to the portal': pgettext_lazy("bpmn", 'Sign the result and send it to the portal'),
    'Signature valid?': pgettext_lazy("bpmn", 'Signature valid?'),
    'Verify the signature over the request': pgettext_lazy("bpmn", 'Verify the signature over the request'),
    'if authorised': pgettext_lazy("bpmn", 'if authorised'),
    'if it passes': pgettext_lazy("bpmn", 'if it passes'),
    'if not paid': pgettext_lazy("bpmn", 'if not paid'),
    'if paid': pgettext_lazy("bpmn", 'if paid'),
    'if the EDS is confirmed': pgettext_lazy("bpmn", 'if the EDS is confirmed'),
    'if the EDS is not confirmed': pgettext_lazy("bpmn", 'if the EDS is not confirmed'),
    'if the applicant is found': pgettext_lazy("bpmn", 'if the applicant is found'),
    'if the applicant is not found': pgettext_lazy("bpmn", 'if the applicant is not found'),
    "if the applicant's data are invalid": pgettext_lazy("bpmn", "if the applicant's data are invalid"),
    'if the document set is complete': pgettext_lazy("bpmn", 'if the document set is complete'),
    'if the document set is incomplete': pgettext_lazy("bpmn", 'if the document set is incomplete'),
    'if the login or password is invalid': pgettext_lazy("bpmn", 'if the login or password is invalid'),
    'if the qualification check fails': pgettext_lazy("bpmn", 'if the qualification check fails'),
    'if the signature is not valid': pgettext_lazy("bpmn", 'if the signature is not valid'),
    'if the signature is valid': pgettext_lazy("bpmn", 'if the signature is valid'),
    "S1 — Licence to provide communication services (entered by the Committee's staff, Order No. 809 of 2012)": pgettext_lazy("bpmn", "S1 — Licence to provide communication services (entered by the Committee's staff, Order No. 809 of 2012)"),
    'S1 — Licence to provide communication services (portal, Order No. 809 of 2012)': pgettext_lazy("bpmn", 'S1 — Licence to provide communication services (portal, Order No. 809 of 2012)'),
    "S2 — Numbering resource (entered by the Committee's responsible executor, 2015 regulation)": pgettext_lazy("bpmn", "S2 — Numbering resource (entered by the Committee's responsible executor, 2015 regulation)"),
    'S2 — Numbering resource (portal, 2015 regulation)': pgettext_lazy("bpmn", 'S2 — Numbering resource (portal, 2015 regulation)'),
    'S2 — Numbering resource (public service centre, 2015 regulation)': pgettext_lazy("bpmn", 'S2 — Numbering resource (public service centre, 2015 regulation)'),
    "S2 — Numbering resource: allocation, assignment and withdrawal (entered by the Committee's staff, Order No. 809 of 2012)": pgettext_lazy("bpmn", "S2 — Numbering resource: allocation, assignment and withdrawal (entered by the Committee's staff, Order No. 809 of 2012)"),
    'S2 — Numbering resource: allocation, assignment and withdrawal (portal, Order No. 809 of 2012)': pgettext_lazy("bpmn", 'S2 — Numbering resource: allocation, assignment and withdrawal (portal, Order No. 809 of 2012)'),
    "S3 — Permit to use the radio-frequency spectrum (entered by the Inspection's staff, Order No. 809 of 2012)": pgettext_lazy("bpmn", "S3 — Permit to use the radio-frequency spectrum (entered by the Inspection's staff, Order No. 809 of 2012)"),
    'S3 — Permit to use the radio-frequency spectrum (portal, Order No. 809 of 2012)': pgettext_lazy("bpmn", 'S3 — Permit to use the radio-frequency spectrum (portal, Order No. 809 of 2012)'),
    "S4 — Permit to operate radio-electronic and high-frequency devices (entered by the Inspection's staff, Order No. 809 of 2012)": pgettext_lazy("bpmn", "S4 — Permit to operate radio-electronic and high-frequency devices (entered by the Inspection's staff, Order No. 809 of 2012)"),
    'S4 — Permit to operate radio-electronic and high-frequency devices (portal, Order No. 809 of 2012)': pgettext_lazy("bpmn", 'S4 — Permit to operate radio-electronic and high-frequency devices (portal, Order No. 809 of 2012)'),
}


def definition_names() -> set[str]:
    from lxml import etree

    from workflow.definitions import iter_definition_files

    skip = {"definitions", "property"}
    names = set()
    for path in iter_definition_files():
        for el in etree.parse(str(path)).iter():
            if isinstance(el.tag, str) and el.get("name") and el.tag.split("}")[-1] not in skip:
                names.add(el.get("name").strip())
    return names
