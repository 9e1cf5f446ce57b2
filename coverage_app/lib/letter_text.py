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


def cpt_phrase(service: str) -> str:
    code = rules.CPT_CODES[rules.Service(service)]
    return f"CPT (Current Procedural Terminology) code {code}: {rules.CPT_DESCRIPTIONS[code]}"


def paragraphs(text: str) -> list[str]:
    """Policy staff separate paragraphs with a blank line."""
    blocks = text.replace("\r\n", "\n").split("\n\n")
    return [" ".join(b.split()) for b in blocks if b.strip()]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
