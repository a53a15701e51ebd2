from django.contrib import admin

from .models import BadgeRule, IssuerProfile, SigningKey


class BadgeRuleInline(admin.TabularInline):
    model = BadgeRule
    extra = 1
    autocomplete_fields = ["framework", "competency"]


@admin.register(IssuerProfile)
class IssuerProfileAdmin(admin.ModelAdmin):
    """The district's issuer profile and what it badges (per framework or per competency)."""

    list_display = ["name", "district", "jwt_algorithm", "validity_days"]
    inlines = [BadgeRuleInline]


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    """Public halves only; keys are created and rotated by `manage.py rotate_credential_keys`."""

    list_display = ["name", "issuer", "algorithm", "created_at", "retired_at"]
    readonly_fields = ["issuer", "name", "kid", "algorithm", "public_jwk", "created_at", "retired_at"]

    def has_add_permission(self, request):
        return False
