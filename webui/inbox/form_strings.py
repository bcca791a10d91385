"""The labels of the shipped task forms (forms/*.json), marked so pybabel puts them in the catalog.

The renderer translates every title, help text and choice label it draws; forms an admin
adds later show in their own words until someone adds them to the catalog.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the conventional name pybabel extracts
    """Mark a string for translation; the form renderer translates it when drawn."""
    return message


SHIPPED_FORM_STRINGS = (
    N_("Approve contract"),
    N_("Approve the contract, or reject it with a comment that tells the drafter what to change."),
    N_("Decision"),
    N_("Approve"),
    N_("Reject"),
    N_("Comment"),
    N_("Required when you reject."),
    N_("Revise contract"),
    N_(
        "The contract was rejected. Edit it, then resubmit it for approval, or withdraw it "
        "back to draft."
    ),
    N_("Action"),
    N_("Resubmit for approval"),
    N_("Withdraw to draft"),
    N_("Renewal decision"),
    N_(
        "The contract is about to expire. Renew it for its renewal term, renegotiate it (a "
        "linked draft copy goes through approval again; this one expires at its end), or "
        "terminate it on an effective date."
    ),
    N_("Renew for the renewal term"),
    N_("Renegotiate (new draft for approval)"),
    N_("Terminate"),
    N_("Termination reason"),
    N_("Termination effective date"),
)
