"""Plain-language pieces of the determination letters. Pure: no Django.

Letters spell out every acronym once and put every code next to its description.
"""

import datetime as dt

from coverage_app.lib import deadlines, rules

SERVICE_IN_WORDS = {
    rules.Service.DLI: "donor lymphocyte infusion (DLI): an infusion of white blood cells "
    "(lymphocytes) from the donor of your stem cell transplant",
    rules.Service.HPC_BOOST: "hematopoietic progenitor cell (HPC) boost: an extra infusion of "
    "blood-forming stem cells after your stem cell transplant",
}

# What a member or provider could send that might change an adverse decision, by criterion.
WHAT_COULD_CHANGE = {
    "DLI-1": "Records showing that the member received an allogeneic (donor) stem cell "
    "transplant, with its date.",
    "DLI-2": "Records, such as a pathology report, showing that the disease being treated is a "
    "hematologic malignancy (a cancer of the blood or bone marrow).",
    "DLI-3": "Records showing relapsed, persistent or refractory disease, or a high risk of "
    "relapse, such as bone marrow or molecular test results.",
    "HPC-1": "Records showing that the member received a stem cell transplant, with its date "
    "and type.",
    "HPC-2a": "Records showing poor graft function, such as persistently low blood counts "
    "(cytopenias) or dependence on transfusions.",
    "HPC-2b": "A chimerism study after an allogeneic (donor) transplant showing less than 100% "
    "donor cells, with its date.",
}


# For the physician's own reasons, beside each criterion's entry in WHAT_COULD_CHANGE.
WHAT_COULD_CHANGE_CLINICAL = (
    "Medical records or a letter from the treating physician that address the physician "
    "reviewer's reasons above."
)

# An adverse determination on a request that meets every written criterion (clinical judgment).
NO_CRITERION_UNMET = (
    "The request meets each of the policy's written criteria. The physician reviewer decided, "
    "using the clinical judgment the policy asks of its medical directors, for the reasons above."
)

# A determination withdrawn administratively (the wrong member, the wrong service).
ADMINISTRATIVE_INTRO = (
    "We are withdrawing our earlier decision on the service described below because it was "
    "issued in error. This is an administrative correction: it is not a decision about whether "
    "the service is medically necessary."
)
ADMINISTRATIVE_WHAT_COULD_CHANGE = (
    "If you believe this correction is wrong, for example because the earlier decision named the "
    "right member and service, call or write to us at the address at the top of this letter, or "
    "appeal as described below."
)


def what_could_change(not_met_ids: list[str], has_clinical_reasons: bool) -> list[str]:
    """What a member or provider could send that might change an adverse decision."""
    items = [WHAT_COULD_CHANGE[code] for code in not_met_ids if code in WHAT_COULD_CHANGE]
    if has_clinical_reasons:
        items.append(WHAT_COULD_CHANGE_CLINICAL)
    return items


def cpt_phrase(service: str) -> str:
    code = rules.CPT_CODES[rules.Service(service)]
    return f"CPT (Current Procedural Terminology) code {code}: {rules.CPT_DESCRIPTIONS[code]}"


def paragraphs(text: str) -> list[str]:
    """Policy staff separate paragraphs with a blank line."""
    blocks = text.replace("\r\n", "\n").split("\n\n")
    return [" ".join(b.split()) for b in blocks if b.strip()]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


# --- The member's copy speaks to the member --------------------------------------------------------

# The engine's reasons and the paragraphs above name "this member"; the member's own copy says "you".
_MEMBER_VOICE = (
    ("this member has not had", "you have not had"),
    ("this member's", "your"),
    ("that the member received", "that you received"),
    ("the member's", "your"),
)


def to_member(text: str) -> str:
    for third, second in _MEMBER_VOICE:
        text = text.replace(third, second).replace(third.capitalize(), second.capitalize())
    return text


# --- What a service is, by request type -------------------------------------------------------------


def service_on(request_type: str, date_text: str, *, to_member: bool) -> str:
    """ "the service you received on May 15, 2024" (post-service) or "the service planned for ...". """
    if request_type == deadlines.RequestType.POST_SERVICE:
        return f"the service {'you' if to_member else 'the member'} received on {date_text}"
    return f"the service planned for {date_text}"


# --- Commercial and employer (ERISA) plans: 29 CFR 2560.503-1(g), 29 CFR 2590.715-2719 ----------------

COMMERCIAL = deadlines.LineOfBusiness.COMMERCIAL
MEDICARE = deadlines.LineOfBusiness.MEDICARE_ADVANTAGE


def commercial_appeal_times(request_type: str) -> list[str]:
    """How soon an appeal is decided: the standard one for this request, and the urgent one."""
    standard = deadlines.APPEAL_DECISION_WINDOWS[(COMMERCIAL, request_type)]
    urgent = deadlines.APPEAL_DECISION_WINDOWS[(COMMERCIAL, "urgent")]
    what = (
        "a service you already received" if request_type == deadlines.RequestType.POST_SERVICE
        else "a service you have not yet received"
    )
    text = [
        f"We will decide a standard appeal about {what} within {standard.amount} days of receiving it.",
    ]
    if request_type == deadlines.RequestType.PRE_SERVICE:
        text.append(
            "If waiting that long could seriously jeopardize your life, your health or your ability to "
            "regain maximum function, you or your provider may ask for an urgent (expedited) appeal, by "
            f"telephone or in writing: we will decide it within {urgent.amount} hours."
        )
    return text


def external_review(request_type: str) -> list[str]:
    months = deadlines.EXTERNAL_REVIEW_FILING_MONTHS
    standard = deadlines.EXTERNAL_REVIEW_WINDOWS["standard"]
    expedited = deadlines.EXTERNAL_REVIEW_WINDOWS["expedited"]
    text = [
        "If we uphold this decision on appeal, or if we do not follow the rules for deciding your "
        "claim or appeal, you may ask for an external review: a new review by an independent review "
        "organization (IRO) that is not part of this health plan, whose decision binds the plan. Ask "
        f"for it in writing, within {months} months of the date you receive our appeal decision, at "
        "the address at the top of this letter; we send your file to the IRO at no cost to you. The "
        f"IRO decides a standard external review within {standard.amount} days of receiving it.",
    ]
    if request_type == deadlines.RequestType.PRE_SERVICE:
        text.append(
            "Expedited external review. If your doctor says that waiting for an urgent appeal could "
            "seriously jeopardize your life, your health or your ability to regain maximum function, "
            "you may ask for an expedited external review at the same time as your urgent appeal, "
            f"without waiting for our appeal decision. It is decided within {expedited.amount} hours."
        )
    return text


CIVIL_ACTION = (
    "If your plan is governed by the Employee Retirement Income Security Act of 1974 (ERISA), you "
    "have the right to bring a civil action under section 502(a) of ERISA after you have completed "
    "the appeal process."
)

CODES_ON_REQUEST = (
    "The diagnosis and procedure codes for this request, and what each code means, are listed at "
    "the top of this letter. You may ask us for them, and for their meanings, free of charge, by "
    "calling or writing to us; asking is not an appeal and does not change its deadline."
)

DOCUMENTS_FREE = (
    "You may ask us, free of charge, for copies of all documents, records and other information "
    "relevant to your request, including the policy and criteria we used."
)


# --- Medicare Advantage: 42 CFR 422.568 and 422.572, in the order of the Integrated Denial Notice
# (form CMS-10003) ---------------------------------------------------------------------------------

MEDICARE_PHONE = "1-800-MEDICARE (1-800-633-4227), 24 hours a day, 7 days a week"
MEDICARE_TTY = "1-877-486-2048"


def medicare_appeal_right() -> str:
    days = deadlines.APPEAL_FILING_DAYS[MEDICARE]
    return (
        "You have the right to ask us to review our decision by asking for an appeal (a "
        f"reconsideration). Ask for an appeal within {days} days of the date of this notice. We can "
        "give you more time if you have a good reason for missing the deadline."
    )


MEDICARE_REPRESENTATIVE = (
    "You can name a relative, friend, attorney, doctor or someone else to act for you as your "
    "representative. Call us to learn how, or fill in form CMS-1696, Appointment of Representative "
    "(at www.cms.gov/cmsforms/downloads/cms1696.pdf, or ask us for a copy). You and the person you "
    "name must both sign and date it, and you send it with your appeal."
)


def medicare_appeal_kinds(request_type: str) -> list[str]:
    standard = deadlines.APPEAL_DECISION_WINDOWS[(MEDICARE, request_type)]
    fast = deadlines.APPEAL_DECISION_WINDOWS[(MEDICARE, "urgent")]
    if request_type == deadlines.RequestType.POST_SERVICE:
        return [
            f"Standard appeal: we will give you a written decision within {standard.amount} days after "
            "we get your appeal. A fast appeal cannot be asked for about payment for a service you "
            "already received."
        ]
    return [
        f"Standard appeal: we will give you a written decision within {standard.amount} days after we "
        "get your appeal.",
        f"Fast appeal: we will give you a decision within {fast.amount} hours after we get your appeal. "
        f"You can ask for a fast appeal if you or your doctor believe that waiting up to {standard.amount} "
        "days could seriously harm your health or your ability to regain maximum function. A doctor "
        "may ask for a fast appeal for you, without being your representative: we will give you a "
        "fast appeal automatically if a doctor asks for one or supports your request.",
    ]


MEDICARE_WHAT_TO_SEND = [
    "Your name, address and member ID number",
    "The reasons you are appealing",
    "Any evidence you want us to consider, such as medical records, test results or a letter from "
    "your doctor (see “What information could change this decision” above)",
    "If someone acts for you, the signed Appointment of Representative form (CMS-1696)",
]

MEDICARE_WHAT_HAPPENS_NEXT = (
    "If you appeal and we do not decide fully in your favor, we will automatically send your case "
    "to an independent reviewer (the Independent Review Entity) contracted by Medicare. If the "
    "independent reviewer also says no, its decision will tell you how to ask for the next level of "
    "appeal."
)

MEDICARE_CASE_FILE = (
    "You have the right to a free copy of your case file: the information we used to make this "
    "decision, including your medical records and the policy and criteria we relied on. Call us to "
    "ask for it."
)


# --- Approvals ----------------------------------------------------------------------------------------


def authorization_period(date_of_service, valid_days: int):
    """The first and last day an approval may be used: from the planned date of service, for
    `valid_days` days counting that day."""
    return date_of_service, date_of_service + dt.timedelta(days=valid_days - 1)


# --- Notices sent while a review is open (lib/clocks.py keeps their dates) -----------------------------

WHAT_WE_NEED_INTRO = (
    "To decide this request we need the information below. Please send it by the date shown, by fax "
    "or mail to the address at the top of this letter, with the reference number of this notice."
)

IF_NOT_RECEIVED = (
    "If we do not receive it by then, a physician reviewer will decide the request on the "
    "information we have. Only a physician may decide that a service is not medically necessary."
)


def information_timing(information_rule: str, *, respond_by: str, decide_by: str, source: str) -> list[str]:
    """What an information request does to the decision's deadline, by the rule that governs it."""
    if information_rule == "tolled":
        return [
            f"You have until {respond_by} to send it. This notice extends the time we have to decide "
            "by up to 15 days, because we cannot decide without this information, and the time for "
            "our decision stops from the date of this notice until we receive it.",
            f"We will decide within the time that is left once it arrives: at the latest by {decide_by}. "
            f"({source}.)",
        ]
    if information_rule == "urgent_48_hours":
        return [
            f"Because the request is urgent, you have until {respond_by} (48 hours) to send it. We will "
            "decide within 48 hours of receiving it, or of the end of that period if it does not come: at "
            f"the latest by {decide_by}. ({source}.)",
        ]
    return [
        f"Please send it by {respond_by}. Our deadline to decide does not change: we will decide by "
        f"{decide_by}. ({source}.)",
    ]


EXTENSION_REASONS = {
    "beyond_plan_control": "We need more time because of matters beyond our control: {justification}",
    "member_requested": "You asked us to take more time to decide, so that more information can be "
    "considered. {justification}",
    "plan_justified": "We need more time because we need more information to decide, and waiting for "
    "it is in your interest: {justification}",
}

MEDICARE_EXPEDITED_GRIEVANCE = (
    "If you disagree with our decision to take more time, you have the right to file a fast "
    "(expedited) grievance. Call us at the telephone number at the top of this letter; we will "
    "answer your grievance within 24 hours."
)


def extension_reason(reason: str, justification: str) -> str:
    return " ".join(EXTENSION_REASONS[reason].format(justification=justification.strip()).split())


# --- Appeal decisions: 29 CFR 2560.503-1(j) (commercial); 42 CFR 422.590, 422.592 (Medicare) ----------

APPEAL_DOCUMENTS_FREE = (
    "You may ask us, free of charge, for reasonable access to and copies of all documents, records "
    "and other information relevant to your claim, including the criteria, the policy and the "
    "medical records we relied on."
)

ALTERNATIVE_DISPUTE_RESOLUTION = (
    "You and your plan may have other voluntary alternative dispute resolution options, such as "
    "mediation. One way to find out what may be available is to contact your local U.S. Department "
    "of Labor Office and your State insurance regulatory agency."
)


def external_review_after_appeal(expedited_possible: bool) -> list[str]:
    """How to ask for external review of a final internal decision, and by when."""
    months = deadlines.EXTERNAL_REVIEW_FILING_MONTHS
    standard = deadlines.EXTERNAL_REVIEW_WINDOWS["standard"]
    expedited = deadlines.EXTERNAL_REVIEW_WINDOWS["expedited"]
    text = [
        "This is our final decision on your appeal. You may ask for an external review by an "
        "independent review organization (IRO) that is not part of this health plan. Ask in writing "
        f"within {months} months of the date you receive this letter, at the address at the top of "
        f"this letter; it costs you nothing. The IRO decides within {standard.amount} days, and its "
        "decision binds the plan.",
    ]
    if expedited_possible:
        text.append(
            "Expedited external review. If your doctor says that waiting could seriously jeopardize "
            "your life, your health or your ability to regain maximum function, ask for an expedited "
            f"external review, by telephone or in writing: it is decided within {expedited.amount} hours."
        )
    return text


def ire_next_steps(request_type: str) -> list[str]:
    standard = deadlines.APPEAL_DECISION_WINDOWS[(MEDICARE, request_type)]
    fast = deadlines.APPEAL_DECISION_WINDOWS[(MEDICARE, "urgent")]
    return [
        "The Independent Review Entity (IRE) is an organization Medicare contracts with; it is not part "
        "of our plan. It will review your case and send you its decision: within "
        f"{standard.amount} days for a standard appeal, or {fast.amount} hours for a fast one. You may "
        "send it any more information you want it to consider; its letter to you will say how.",
        "If the IRE also says no, its decision will tell you how to ask for the next level of appeal, "
        "a hearing before an Administrative Law Judge.",
    ]
