from collections import defaultdict
from dataclasses import dataclass

from .models import IdentityProvider


@dataclass(frozen=True)
class SignInChoices:
    districts: list[tuple[str, list[IdentityProvider]]]  # the districts' providers, first on the page
    families: list[IdentityProvider]  # families' own accounts, signing in those who linked one


def sign_in_choices() -> SignInChoices:
    """The providers shown on the sign-in page, by district, then the families' own (one query)."""
    grouped: dict[str, list[IdentityProvider]] = defaultdict(list)
    families = []
    for provider in IdentityProvider.objects.filter(enabled=True).select_related("district"):
        if provider.for_families:
            families.append(provider)
        else:
            grouped[provider.district.name].append(provider)
    return SignInChoices(districts=list(grouped.items()), families=families)
