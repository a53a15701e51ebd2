from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class PeopleClaims(OAuth2Validator):
    """Each test person's claims come from PROVIDER_PEOPLE (by username): email, email_verified,
    a roster identifier, amr... All of them go in the ID token."""

    oidc_claim_scope = None

    def get_additional_claims(self, request):
        return dict(settings.PEOPLE.get(request.user.username, {}).get("claims", {}))
