from django.urls import path

from . import educator_views, views

app_name = "credentials"

urlpatterns = [
    # public: what a verifier reads
    path("credentials/issuers/<int:district_id>/", views.issuer, name="issuer"),
    path("credentials/issuers/<int:district_id>/jwks.json", views.jwks, name="jwks"),
    path("credentials/issuers/<int:district_id>/status/revocation", views.status_list, name="status-list"),
    path("credentials/<uuid:credential_id>/verify/", views.verification, name="verify"),
    path("credentials/<uuid:credential_id>/evidence/", views.evidence, name="evidence"),
    # the family
    path("portal/children/<uuid:student_id>/credentials/", views.family_list, name="family-list"),
    path("portal/children/<uuid:student_id>/credentials/choose/", views.choose, name="choose"),
    path("portal/children/<uuid:student_id>/credentials/<uuid:credential_id>.json", views.download_json, name="download-json"),
    path("portal/children/<uuid:student_id>/credentials/<uuid:credential_id>.jwt", views.download_jwt, name="download-jwt"),
    path("portal/children/<uuid:student_id>/credentials/<uuid:credential_id>/withdraw/", views.withdraw, name="withdraw"),
    path("portal/children/<uuid:student_id>/credentials/learner-record/", views.record_make, name="record-make"),
    path("portal/children/<uuid:student_id>/credentials/learner-record/<uuid:record_id>.json", views.record_json, name="record-json"),
    path("portal/children/<uuid:student_id>/credentials/learner-record/<uuid:record_id>.jwt", views.record_jwt, name="record-jwt"),
    # the student herself (from the district's age she chooses and downloads)
    path("students/<uuid:student_id>/credentials/mine/", views.mine, name="mine"),
    path("students/<uuid:student_id>/credentials/mine/choose/", views.mine_choose, name="mine-choose"),
    path("students/<uuid:student_id>/credentials/mine/<uuid:credential_id>.json", views.mine_json, name="mine-json"),
    path("students/<uuid:student_id>/credentials/mine/<uuid:credential_id>.jwt", views.mine_jwt, name="mine-jwt"),
    # staff
    path("students/<uuid:student_id>/credentials/", views.student_credentials, name="student"),
    path("students/<uuid:student_id>/credentials/<uuid:credential_id>/revoke/", views.revoke, name="revoke"),
    # educators: micro-credentials
    path("educators/micro-credentials/", educator_views.catalogue, name="micro-catalogue"),
    path("educators/micro-credentials/<int:micro_id>/", educator_views.detail, name="micro-detail"),
    path("educators/micro-credentials/awards/<uuid:award_id>.json", educator_views.award_json, name="micro-award-json"),
    path("educators/micro-credentials/awards/<uuid:award_id>.jwt", educator_views.award_jwt, name="micro-award-jwt"),
    path("educators/micro-credentials/reviews/", educator_views.review_queue, name="micro-queue"),
    path("educators/micro-credentials/reviews/<int:submission_id>/", educator_views.review, name="micro-review"),
    path("educators/micro-credentials/submissions/<int:submission_id>/file", educator_views.evidence_file, name="micro-file"),
    path("educators/micro-credentials/holders/", educator_views.holders, name="micro-holders"),
    path("educators/micro-credentials/awards/", educator_views.awards, name="micro-awards"),
    path("educators/micro-credentials/awards/<uuid:award_id>/revoke/", educator_views.revoke_award, name="micro-revoke"),
]
