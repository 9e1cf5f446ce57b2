"""Errors as FHIR OperationOutcome: each names the element at fault by a FHIRPath expression."""

from dataclasses import dataclass, field

FHIR_JSON = "application/fhir+json"


@dataclass
class Issue:
    code: str  # http://hl7.org/fhir/issue-type: invalid, required, value, not-supported, login, ...
    diagnostics: str  # one sentence for the person reading the EHR's log
    expression: str = ""  # FHIRPath of the element at fault, e.g. "Bundle.entry[0].resource.birthDate"
    severity: str = "error"


@dataclass
class FhirError(Exception):
    """Raised by the pure modules and views; answered as an OperationOutcome with `status`."""

    issues: list[Issue] = field(default_factory=list)
    status: int = 400

    @classmethod
    def one(cls, code: str, diagnostics: str, expression: str = "", status: int = 400) -> "FhirError":
        return cls([Issue(code, diagnostics, expression)], status)

    def __str__(self) -> str:
        return "; ".join(f"{i.expression}: {i.diagnostics}" if i.expression else i.diagnostics for i in self.issues)


def operation_outcome(issues: list[Issue]) -> dict:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": i.severity,
                "code": i.code,
                "diagnostics": i.diagnostics,
                **({"expression": [i.expression]} if i.expression else {}),
            }
            for i in issues
        ],
    }


def fhirpath(root: str, loc: tuple) -> str:
    """A pydantic error location as FHIRPath: ("entry", 0, "resource", "birthDate") under
    "Bundle" is "Bundle.entry[0].resource.birthDate"."""
    path = root
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.startswith("function-") or part in ("__root__", "root"):  # pydantic's own steps
            continue
        else:
            path += f".{part}"
    return path


def from_validation_error(root: str, error) -> FhirError:
    """A pydantic ValidationError from fhir.resources as one issue per element at fault."""
    return FhirError([
        Issue("required" if e["type"].endswith("missing") else "invalid", e["msg"], fhirpath(root, e["loc"]))
        for e in error.errors()
    ])
