"""The acronyms and terms an ICB safeguarding team meets in Vigil, each expanded and explained. The glossary
page (/glossary/, linked from every page's footer) lists them; the `abbr` template filter
(core/templatetags/vigil_terms.py) writes `<abbr title="…">` for one in a heading or table header."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    short: str
    full: str
    meaning: str
    source: str = ""  # the source policies that use the term (docs/sources.md), by short name


TERMS = (
    Term(
        "CCG",
        "Clinical Commissioning Group",
        "The NHS body that commissioned local services before ICBs took over "
        "in July 2022; three of Vigil's source policies were written by CCGs.",
        "SAAF",
    ),
    Term(
        "CQC",
        "Care Quality Commission",
        "The independent regulator of health and adult social care in England; its "
        "inspections can raise actions in the tracker.",
        "SAAF; NEL",
    ),
    Term(
        "CSPR",
        "Child safeguarding practice review",
        "A local review, commissioned by the safeguarding partners, of "
        "a case where a child died or was seriously harmed and abuse or neglect is known or suspected. A rapid "
        "review comes first.",
        "SAAF; DDICB",
    ),
    Term(
        "DBS",
        "Disclosure and Barring Service",
        "Checks criminal records and barred lists before someone works with "
        "children or adults at risk; a barring referral goes to the DBS.",
        "NEL Std 10",
    ),
    Term(
        "DHR",
        "Domestic homicide review",
        "A multi-agency review of a death that appears to have resulted from "
        "domestic abuse, commissioned by the community safety partnership.",
        "SAAF",
    ),
    Term(
        "DoLS",
        "Deprivation of Liberty Safeguards",
        "The legal process that authorises depriving a person who lacks "
        "capacity of their liberty in a care home or hospital (being replaced by the Liberty Protection "
        "Safeguards).",
        "NEL; SAAF",
    ),
    Term(
        "GP",
        "General practitioner",
        "A family doctor; GP practices are commissioned by the ICB and make their own safeguarding returns.",
        "",
    ),
    Term(
        "ICB",
        "Integrated Care Board",
        "The NHS body that plans and commissions health services for an area and "
        "holds the providers it commissions to account for safeguarding.",
        "SAAF",
    ),
    Term(
        "IMR",
        "Individual management review",
        "An organisation's own account of its involvement in a case, written for a statutory review.",
        "DUDLEY; SAAF",
    ),
    Term(
        "LADO",
        "Local Authority Designated Officer",
        "The local authority officer who must be told, within one "
        "working day, of an allegation that someone who works with children has harmed a child or may pose a "
        "risk.",
        "NEL Std 10; DDICB Managing allegations",
    ),
    Term(
        "LeDeR",
        "Learning from lives and deaths of people with a learning disability and autistic people",
        "The national programme that reviews the death of every person with a learning disability, and every "
        "autistic person, to learn and improve care.",
        "SAAF",
    ),
    Term(
        "MCA",
        "Mental Capacity Act 2005",
        "The law on decisions for people who may lack capacity to make a decision themselves; staff are trained in it.",
        "NEL; SAAF",
    ),
    Term(
        "ODS code",
        "Organisation Data Service code",
        "The NHS's identifier for an organisation (for example a trust or a GP practice).",
        "",
    ),
    Term(
        "PA",
        "Programmed activity",
        "A unit of a doctor's working week (about four hours); named and designated doctors' time is agreed in PAs.",
        "",
    ),
    Term(
        "PiPoT",
        "Person in a position of trust",
        "Someone who works or volunteers with adults at risk; an "
        "allegation that such a person may have harmed an adult is managed under the PiPoT process.",
        "DDICB",
    ),
    Term(
        "RAG",
        "Red, amber, green",
        "The rating of a figure or a requirement against its threshold: red needs action, "
        "amber needs watching, green meets the standard.",
        "CPCCG App. 3",
    ),
    Term(
        "SAB",
        "Safeguarding Adults Board",
        "The statutory local board that leads adult safeguarding; it commissions safeguarding adults reviews.",
        "SAAF",
    ),
    Term(
        "SAR",
        "Safeguarding adults review",
        "A review, commissioned by the Safeguarding Adults Board, of a case where "
        "an adult with care and support needs died or was seriously harmed and abuse or neglect is suspected.",
        "SAAF",
    ),
    Term(
        "SI",
        "Serious incident",
        "An event in NHS care whose consequences are so significant that it needs a "
        "comprehensive response; one with a safeguarding element is tracked in casework.",
        "NEL 7.0; CPCCG 8.1",
    ),
    Term(
        "SMART",
        "Specific, measurable, achievable, relevant and time-bound",
        "An action that says what will be "
        "done, who owns it, by when, and how success will be measured. Every action in the tracker is SMART.",
        "Vigil action tracker",
    ),
    Term(
        "TNA",
        "Training needs analysis",
        "Which staff groups need which level of safeguarding training, matched against the training staff have done.",
        "CPCCG; NEL",
    ),
    Term("WTE", "Whole-time equivalent", "Hours worked as a share of a full-time post: 0.5 WTE is half-time.", ""),
)

BY_SHORT = {term.short: term for term in TERMS}


def full_name(short):
    term = BY_SHORT.get(short)
    return term.full if term else ""
