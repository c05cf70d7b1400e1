"""The casework module's settings, read in one place (listed with their sources in docs/casework.md).

Each value is a default the source policies give; an ICB changes it with `VIGIL["CASEWORK_..."]`.
"""

from core.conf import setting

DEFAULTS = {
    # Written follow-up of a telephone referral to children's social care, in clock hours with no roll-forward
    # to a working day [DDICB What to do; CPCCG front matter: 48 hours] (24 in [DUDLEY 15.2]).
    "CASEWORK_REFERRAL_FOLLOW_UP_HOURS": 48,
    # The escalation procedure an ICB follows when none lists it: "dudley" [DUDLEY 28.2, App. 6] or "cpccg"
    # [CPCCG App. 5] (casework/data/escalation_procedures.json).
    "CASEWORK_ESCALATION_PROCEDURE": "dudley",
    # An allegation about a person in a position of trust with adults (PiPoT): inform the ICB's designated
    # adult safeguarding professional within this many working days. The SAAF sets no timescale [SAAF 3.5.7]:
    # the default mirrors the children's one working day [NEL Std 10]; None shows the clock with no deadline.
    "CASEWORK_PIPOT_INFORM_WORKING_DAYS": 1,
    # Private fostering: cared for by a non-relative for "28 days or more" [DDICB Private Fostering] (inclusive)
    # or "more than 28 days" [DUDLEY 22.1] (set CASEWORK_PRIVATE_FOSTERING_INCLUSIVE to False).
    "CASEWORK_PRIVATE_FOSTERING_DAYS": 28,
    "CASEWORK_PRIVATE_FOSTERING_INCLUSIVE": True,
    # Chase the outcome of a referral when it is not known after this many working days [DUDLEY 15.3].
    "CASEWORK_REFERRAL_OUTCOME_CHASE_WORKING_DAYS": 3,
    # Inform the LADO and the designated nurse or doctor within this many working days of an allegation [NEL Std 10].
    "CASEWORK_ALLEGATION_INFORM_WORKING_DAYS": 1,
    # Health professionals meeting: 7-10 days after the information return deadline [CPCCG App. 6].
    "CASEWORK_CHN_MEETING_EARLIEST_DAYS": 7,
    "CASEWORK_CHN_MEETING_LATEST_DAYS": 10,
    # "calendar" (the source says days) or "working".
    "CASEWORK_CHN_MEETING_DAY_KIND": "calendar",
}


def get(name):
    return setting(name, DEFAULTS)
