"""Every setting of the assurance module, read in one place from settings.VIGIL (with defaults).

The lead adds the keys to config/settings.py; docs/assurance.md lists them with their sources.
"""

from core.conf import setting

DEFAULTS = {
    # An assessment is red when at least this many requirements are rated not met.
    "ASSURANCE_RED_NOT_MET": 1,
    # ...amber when (not red and) at least this many are partially met, or any is not met.
    "ASSURANCE_AMBER_PARTIALLY_MET": 1,
    # An organisation's RAG across frameworks: "worst" of its latest assessments, or the "latest" one.
    "ASSURANCE_ORGANISATION_ROLLUP": "worst",
    # The ICB is red when at least this percentage of its rated organisations are red...
    "ASSURANCE_ICB_RED_PERCENT": 25,
    # ...amber when any organisation is red, or at least this percentage are amber or red.
    "ASSURANCE_ICB_AMBER_PERCENT": 25,
    # Reminder: working days before the due date when the "due soon" reminder goes.
    "ASSURANCE_DUE_SOON_WORKING_DAYS": 10,
    # Lampard L-4: safeguarding refresher training every this many months. An annual level 1 update [DUDLEY 20.6]
    # (12, the default); level 1 at least every three years [CPCCG 12] (36).
    "ASSURANCE_REFRESHER_MONTHS": 12,
    # Lampard L-5: DBS rechecks every this many months; None: no routine recheck, an annual self-disclosure
    # (there is no statutory renewal; best practice is an annual self-disclosure [DUDLEY 7.5]).
    "ASSURANCE_DBS_RECHECK_MONTHS": None,
    # Evidence uploads.
    "ASSURANCE_EVIDENCE_MAX_BYTES": 10 * 1024 * 1024,
    "ASSURANCE_EVIDENCE_EXTENSIONS": ("pdf", "docx", "xlsx", "png", "jpg", "jpeg", "txt", "csv"),
}


def get(name):
    return setting(name, DEFAULTS)


def setting_phrases():
    """What this ICB's settings say, for requirements worded from settings ({refresher}, {dbs_recheck})."""
    from assurance.rules import dbs_recheck_phrase, refresher_phrase

    return {
        "refresher": refresher_phrase(get("ASSURANCE_REFRESHER_MONTHS")),
        "dbs_recheck": dbs_recheck_phrase(get("ASSURANCE_DBS_RECHECK_MONTHS")),
    }


def rag_thresholds():
    from assurance.rules import RagThresholds

    return RagThresholds(
        red_not_met=int(get("ASSURANCE_RED_NOT_MET")),
        amber_partially_met=int(get("ASSURANCE_AMBER_PARTIALLY_MET")),
        icb_red_percent=float(get("ASSURANCE_ICB_RED_PERCENT")),
        icb_amber_percent=float(get("ASSURANCE_ICB_AMBER_PERCENT")),
        organisation_rollup=get("ASSURANCE_ORGANISATION_ROLLUP"),
    )
