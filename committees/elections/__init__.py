"""Elections of committee members and the joint qualification review of their candidates
(资格联审, DOMAIN §9): models, the workflows declared on :mod:`common.transitions`, their
services and selectors, the reviewers' admin screens and API, and the vetting report PDF.

Committees themselves (terms, members, branches) stay in the parent app; a held election's
passed candidates are what :func:`committees.services.committee_form` and
:func:`committees.services.term_create_next` seat."""
