"""What the FHIR tests share: the guides' examples adapted to policy 0261, and a client that
calls the API with a bearer token, as an EHR does."""

import copy
import json
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent / "fhir_examples"
CANONICAL = "http://testserver/fhir/Questionnaire/policy-0261"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def dli_request(claim_id: str = "111099", **answers) -> dict:
    """The PAS example request for a DLI (allogeneic, relapsed AML) with its QuestionnaireResponse
    pointing at this server's questionnaire; `answers` replace items by linkId (None drops one)."""
    bundle = copy.deepcopy(example("pas/dli-request-bundle.json"))
    claim = bundle["entry"][0]["resource"]
    claim["identifier"][0]["value"] = claim_id
    qr = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse")
    qr["questionnaire"] = CANONICAL
    for group in qr["item"]:
        kept = []
        for item in group["item"]:
            if item["linkId"] in answers:
                if answers[item["linkId"]] is None:
                    continue
                item = {"linkId": item["linkId"], "answer": [answers[item["linkId"]]]}
            kept.append(item)
        group["item"] = kept
    return bundle


def inquiry(claim_id: str = "111099") -> dict:
    """A PAS Inquiry Bundle about the example Claim: its identifier, patient and provider."""
    bundle = dli_request(claim_id)
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] != "QuestionnaireResponse"]
    claim = bundle["entry"][0]["resource"]
    claim["supportingInfo"] = [s for s in claim.get("supportingInfo", []) if "QuestionnaireResponse" not in json.dumps(s)]
    return bundle


class Ehr:
    """Django's test client with an API client's token on every call."""

    def __init__(self, client, token: str):
        self.client, self.auth = client, {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def get(self, path: str):
        return self.client.get(path, **self.auth)

    def post(self, path: str, body: dict):
        return self.client.post(path, json.dumps(body), content_type="application/fhir+json", **self.auth)


def review_action(bundle: dict) -> str:
    response = bundle["entry"][0]["resource"]
    extension = response["item"][0]["adjudication"][0]["extension"]
    action = next(e for e in extension if e["url"].endswith("extension-reviewAction"))
    code = next(e for e in action["extension"] if e["url"].endswith("extension-reviewActionCode"))
    return code["valueCodeableConcept"]["coding"][0]["code"]
