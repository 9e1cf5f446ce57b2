"""The server's CapabilityStatement (GET /fhir/metadata): what an EHR can call, and how."""

from coverage_app.fhir.questionnaire import QUESTIONNAIRE_ID

PAS = "http://hl7.org/fhir/us/davinci-pas"
DTR = "http://hl7.org/fhir/us/davinci-dtr"


def capability_statement(base: str) -> dict:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-29",
        "publisher": "Coverage review, policy 0261",
        "kind": "instance",
        "implementation": {"description": "Prior authorization of DLI (CPT 38242) and HPC boost (CPT 38243) under policy 0261", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [{
            "mode": "server",
            "security": {
                "cors": False,
                "description": "Every call but this one needs `Authorization: Bearer <token>`; a token comes "
                "from the plan (manage.py create_api_client). CDS Hooks discovery is at /cds-services.",
            },
            "resource": [
                {
                    "type": "Questionnaire",
                    "interaction": [{"code": "read"}],
                    "operation": [{"name": "questionnaire-package", "definition": f"{DTR}/OperationDefinition/questionnaire-package"}],
                },
                {
                    "type": "Claim",
                    "supportedProfile": [f"{PAS}/StructureDefinition/profile-claim"],
                    "operation": [
                        {"name": "submit", "definition": f"{PAS}/OperationDefinition/Claim-submit"},
                        {"name": "inquire", "definition": f"{PAS}/OperationDefinition/Claim-inquiry"},
                    ],
                },
            ],
        }],
        "text": {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">Questionnaire/{QUESTIONNAIRE_ID}, '
                 "Claim/$submit, Claim/$inquire</div>"},
    }
