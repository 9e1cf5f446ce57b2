from django.conf import settings
from django.urls import path

from coverage_app import views, views_appeals, views_clock, views_director, views_equity, views_fhir, views_reports

urlpatterns = [
    path("", views.home, name="home"),
    path("policy/", views.policy_detail, name="policy_detail"),
    path("queue/", views.queue, name="queue"),
    path("reviews/new/", views.review_new, name="review_new"),
    path("reviews/<uuid:review_id>/", views.review_detail, name="review_detail"),
    path("reviews/<uuid:review_id>/assign/", views.review_assign, name="review_assign"),
    path("reviews/<uuid:review_id>/summary/", views.review_summary, name="review_summary"),
    path("reviews/<uuid:review_id>/information/", views_clock.information_request, name="information_request"),
    path(
        "reviews/<uuid:review_id>/information/received/",
        views_clock.information_received,
        name="information_received",
    ),
    path("reviews/<uuid:review_id>/extend/", views_clock.extend, name="review_extend"),
    path("reviews/<uuid:review_id>/documents/", views_clock.document_upload, name="document_upload"),
    path("documents/<uuid:document_id>/", views_clock.document_download, name="document_download"),
    path("notices/<uuid:notice_id>/", views_clock.notice_html, name="notice_html"),
    path("appeals/", views_appeals.appeals_queue, name="appeals_queue"),
    path("appeals/<uuid:appeal_id>/", views_appeals.appeal_detail, name="appeal_detail"),
    path("appeals/<uuid:appeal_id>/accept/", views_appeals.appeal_accept_late, name="appeal_accept_late"),
    path("appeals/<uuid:appeal_id>/decide/", views_appeals.appeal_decide, name="appeal_decide"),
    path("appeals/<uuid:appeal_id>/documents/", views_appeals.appeal_document_upload, name="appeal_document_upload"),
    path("appeals/<uuid:appeal_id>/<slug:which>/", views_appeals.appeal_outside, name="appeal_outside"),
    path("letters/<uuid:determination_id>/appeal/", views_appeals.appeal_new, name="appeal_new"),
    path("notices/<uuid:notice_id>/pdf/", views_clock.notice_pdf, name="notice_pdf"),
    path("reviews/<uuid:review_id>/decide/", views_director.review_decide, name="review_decide"),
    path("reviews/<uuid:review_id>/demographics/", views.review_demographics, name="review_demographics"),
    path("reviews/<uuid:review_id>/<slug:step>/", views.review_step, name="review_step"),
    path("physician/queue/", views_director.physician_queue, name="physician_queue"),
    path("reports/", views_reports.report_page, name="reports"),
    path("reports/csv/", views_reports.report_csv, name="reports_csv"),
    path("reports/metrics.csv", views_reports.public_metrics_csv, name="public_metrics_csv"),
    path("reports/equity/", views_equity.equity_report, name="equity_report"),
    path("reports/equity.csv", views_equity.equity_csv, name="equity_csv"),
    path("letters/<uuid:determination_id>/", views_director.letter_html, name="letter_html"),
    # The FHIR API (views_fhir.py): CapabilityStatement, CRD (CDS Hooks), DTR and PAS.
    path("fhir/metadata", views_fhir.metadata, name="fhir_metadata"),
    path("cds-services", views_fhir.cds_discovery, name="cds_discovery"),
    path("cds-services/<str:service_id>", views_fhir.cds_service, name="cds_service"),
    path("fhir/Questionnaire/$questionnaire-package", views_fhir.questionnaire_package, name="fhir_questionnaire_package"),
    path("fhir/Questionnaire/<str:questionnaire_id>", views_fhir.questionnaire_read, name="fhir_questionnaire"),
    path("fhir/Claim/$submit", views_fhir.claim_submit, name="fhir_claim_submit"),
    path("fhir/Claim/$inquire", views_fhir.claim_inquire, name="fhir_claim_inquire"),
    path("letters/<uuid:determination_id>/pdf/", views_director.letter_pdf, name="letter_pdf"),
    path(
        "letters/<uuid:determination_id>/correct/",
        views_director.determination_correct,
        name="determination_correct",
    ),
]

if settings.BENCHMARK_FLOOR:
    urlpatterns.append(path("bench/floor/", views.bench_floor, name="bench_floor"))
