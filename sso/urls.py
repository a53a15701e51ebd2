from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("sign-in/with/<int:provider_id>/", views.start, name="start"),
    path("sign-in/sso/callback/", views.callback, name="callback"),
    path("sign-in/saml/metadata/", views.saml_metadata, name="saml-metadata"),
    path("sign-in/saml/acs/", views.saml_acs, name="saml-acs"),
    path("sign-in/saml/acs/<str:key>/", views.saml_continue, name="saml-continue"),
    path("sign-in/link/", views.link_request, name="link-request"),
    path("sign-in/link/sent/", views.link_sent, name="link-sent"),
    path("sign-in/link/<str:token>/", views.link_sign_in, name="link-sign-in"),
    path("account/sign-in-methods/", views.methods, name="methods"),
    path("account/sign-in-methods/<int:identity_id>/unlink/", views.unlink, name="unlink"),
    path("account/sign-in-methods/link/<int:provider_id>/", views.link_own, name="link-own"),
]
