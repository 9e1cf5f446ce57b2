"""The values a case is made of: services, transplant types, indications, CPT codes. Pure.

Shared by the question table (lib/questions.py) and the rules engine (lib/rules.py), which import
them from here so that neither depends on the other's module for its words.
"""

from enum import StrEnum


class Service(StrEnum):
    DLI = "dli"
    HPC_BOOST = "hpc_boost"


class TransplantType(StrEnum):
    ALLOGENEIC = "allogeneic"
    AUTOLOGOUS = "autologous"
    NONE = "none"  # the engine's value for "no transplant"; the questionnaire asks had_transplant


class Indication(StrEnum):
    RELAPSED = "relapsed"
    PERSISTENT = "persistent"
    REFRACTORY = "refractory"
    HIGH_RISK_OF_RELAPSE = "high_risk_of_relapse"
    PROMOTE_ENGRAFTMENT = "promote_engraftment"
    ENHANCE_CHIMERISM = "enhance_chimerism"
    OTHER = "other"


CPT_CODES = {Service.DLI: "38242", Service.HPC_BOOST: "38243"}
CPT_DESCRIPTIONS = {
    "38242": "Allogeneic lymphocyte infusions",
    "38243": "Hematopoietic progenitor cell (HPC); HPC boost",
}
