"""The one place this app reads its settings (`settings.VIGIL["WORKFORCE_..."]`).

Every number has its source next to it; docs/workforce.md lists every key. Where the seed documents
disagree the ICB chooses between the sourced options on the workforce settings page (`WorkforcePolicy`).
"""

from core import conf

DEFAULTS = {
    # Months a completion stays valid; valid through completion date + this many months [reference A1.8; E1, E14].
    "WORKFORCE_VALIDITY_MONTHS": 36,
    # Level 1 children refresher: the two sourced options the ICB chooses between.
    "WORKFORCE_L1_REFRESHER_OPTIONS": {
        "36": "Every 3 years [CPCCG §12, p.17]",
        "12": "Every year [DUDLEY §20.6, p.22]",
    },
    "WORKFORCE_L1_REFRESHER_DEFAULT": "36",
    # Target for ICB staff: the two sourced options the ICB chooses between.
    "WORKFORCE_TARGET_OPTIONS": {
        "85": "85 % of relevant staff [NEL Std 11; adults Std 4]",
        "90": "90 % for children levels 1-2 [DDICB §Safeguarding Training] (85 % for the rest [NEL Std 11])",
    },
    "WORKFORCE_TARGET_DEFAULT": "85",
    # Training hours: a person below the framework's hours for a level (e.g. children level 3: 6 hours per
    # 3 years [E1]) is not compliant for it [reference A1.8]; the ICB may switch the check off (settings page).
    "WORKFORCE_CHECK_HOURS_DEFAULT": True,
    "WORKFORCE_HOURS_WINDOW_MONTHS": 36,  # the frameworks give hours "per 3 years" [E1, E6]
    # Grace for new starters, per level: (unit, amount) [reference A1.8; E2, E3]. Level 2 has no source (✖).
    "WORKFORCE_GRACE": {
        "1": ["weeks", 6],
        "2": ["months", 6],
        "3": ["months", 12],
        "4": ["months", 12],
        "5": ["months", 12],
        "6": ["months", 12],
    },
    # Statuses that take a person out of scope (the ICB may change this list) [reference A1.8].
    "WORKFORCE_EXCLUDED_STATUSES": ["maternity", "long_term_sick", "suspended", "bank_no_shifts"],
    # Days ahead for "expires soon" [reference A2.1: due to expire in next 90 days].
    "WORKFORCE_EXPIRY_HORIZON_DAYS": 90,
    # RAG bands: the returns' training scheme (TRN-CH) [CPCCG App. 3 11.b]: green > 90 %, amber >= 75 %, else red.
    "WORKFORCE_RAG_BANDS": [["gt", "90", "green"], ["ge", "75", "amber"]],
    # DBS: annual self-disclosure [DUDLEY §7.5]; no statutory re-check interval (None = no re-check).
    "WORKFORCE_SELF_DISCLOSURE_MONTHS": 12,
    "WORKFORCE_DBS_RECHECK_MONTHS": None,
    # References required [CPCCG §10.1].
    "WORKFORCE_MIN_REFERENCES": 2,
    # Capacity conversions [reference A5]: consultant contract PA, Agenda for Change week (both ✖).
    "WORKFORCE_HOURS_PER_PA": "4",
    "WORKFORCE_HOURS_PER_WTE": "37.5",
    "WORKFORCE_WEEKS_PER_MONTH": "4.348",  # 52.18 weeks / 12 months
    # Supervision of staff with no seeded rule: months between sessions (no source; a setting) [reference A4].
    "WORKFORCE_SUPERVISION_OTHER_MONTHS": 3,
    # Extract upload limits: 10,000 staff × 12 competences, with room.
    "WORKFORCE_EXTRACT_MAX_BYTES": 40 * 1024 * 1024,
    "WORKFORCE_EXTRACT_MAX_ROWS": 250_000,
    "WORKFORCE_EXTRACT_MAX_UNCOMPRESSED_BYTES": 400 * 1024 * 1024,
}


def setting(name, default=None):
    return conf.setting(name, DEFAULTS, default)
