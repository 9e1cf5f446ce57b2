"""Plain-language pieces of the determination letters. Pure: no Django.

Letters spell out every acronym once and put every code next to its description.
"""

from coverage_app.lib import rules

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
