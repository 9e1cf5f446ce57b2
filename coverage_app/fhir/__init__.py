"""Electronic prior authorization over FHIR R4 (HL7 Da Vinci CRD, DTR and PAS) for policy 0261.

Pure modules (no database): `outcome` (errors as OperationOutcome), `questionnaire` (DTR: the
policy's Questionnaire from lib/questions.py, and answers read back from a QuestionnaireResponse),
`crd` (CDS Hooks order-sign), `pas` (the $submit Bundle read into a request, and the ClaimResponse
written back). The views are in coverage_app/views_fhir.py, the writes in services.py."""
