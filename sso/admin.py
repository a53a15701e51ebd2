from django.contrib import admin

from .models import IdentityProvider, LinkedIdentity


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "kind", "protocol", "match_by", "required_for_staff", "required_for_students", "enabled"]
    list_filter = ["district", "kind", "protocol", "enabled"]
    fieldsets = [
        (None, {"fields": ["district", "kind", "protocol", "name", "issuer", "enabled", "order"]}),
        ("OpenID Connect client", {"fields": ["client_id", "client_secret_env"]}),
        ("SAML 2.0", {"fields": ["saml_sso_url", "saml_certificate", "saml_emails_verified"]}),
        ("Matching people", {"fields": ["match_by", "match_claim"]}),
        ("Two-step sign-in and passwords", {"fields": ["trust_mfa_claims", "mfa_acr_values", "required_for_staff",
                                                       "required_for_students"]}),
    ]


@admin.register(LinkedIdentity)
class LinkedIdentityAdmin(admin.ModelAdmin):
    """Read and remove only: links are made by a matched sign-in, never typed in."""

    list_display = ["user", "provider", "linked_at", "last_used_at"]
    list_filter = ["provider"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "provider", "issuer", "subject", "linked_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        return False
