import logging

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import security_events
from accounts.views import SIGN_OUT_ELSEWHERE
from audit.services import client_ip
from roster import two_factor as roster_two_factor

from . import magic_link, oidc, saml, services
from .forms import SignInLinkForm
from .models import IdentityProvider
from .policy import is_family_account

logger = logging.getLogger(__name__)
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _callback_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("sso:callback"))


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("accounts:home")


@require_GET
def start(request: HttpRequest, provider_id: int) -> HttpResponse:
    """The provider's button on the sign-in page: off to the provider, with state, nonce and PKCE.

    A link, not a form: the page's CSP `form-action 'self'` also governs the redirects after a form is
    sent, and providers hop between their own hosts (a federated Microsoft tenant ends on the district's
    own server). Starting a sign-in changes nothing until the person signs in at the provider."""
    provider = get_object_or_404(IdentityProvider, pk=provider_id, enabled=True)
    next_url = _safe_next(request, request.GET.get("next", ""))
    try:
        if provider.is_saml:
            url = saml.start(session=request.session, request=request, provider=provider, next_url=next_url)
        else:
            url = oidc.start(session=request.session, provider=provider, redirect_uri=_callback_uri(request),
                             next_url=next_url)
    except oidc.SignInRefused as refused:
        logger.warning("SSO start with provider %s failed: %s", provider.pk, refused.reason)
        return render(request, "sso/refused.html", {"provider": provider}, status=502)
    return redirect(url)


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the person back here. Checked, matched to a roster account, or refused."""
    try:
        answer = oidc.finish(session=request.session, params=request.GET, redirect_uri=_callback_uri(request))
    except oidc.SignInRefused as refused:
        logger.warning("SSO sign-in refused: %s", refused.reason)
        return render(request, "sso/refused.html", {}, status=400)
    if answer.linking_user_id is not None:
        return _finish_linking(request, answer)
    return _sign_in(request, provider=answer.provider, claims=answer.claims, next_url=answer.next_url,
                    id_token=answer.id_token)


def _sign_in(request: HttpRequest, *, provider: IdentityProvider, claims: dict, next_url: str,
             id_token: str | None = None) -> HttpResponse:
    """A checked answer (OpenID Connect or SAML): matched to a roster account and signed in, or the no-access page."""
    found = services.match(provider=provider, claims=claims, ip_address=client_ip(request))
    if found.outcome != services.Outcome.SIGNED_IN:
        context = {"provider": provider, "inactive": found.outcome == services.Outcome.INACTIVE}
        return render(request, "sso/no_access.html", context, status=403)
    login(request, found.user, backend=BACKEND)
    if services.counts_as_two_step(provider=provider, claims=claims):
        request.session[roster_two_factor.SESSION_KEY] = roster_two_factor.NOT_USED
    after = request.build_absolute_uri(reverse("accounts:login"))
    if id_token and (url := oidc.end_session_url(provider=provider, id_token=id_token, after=after)):
        request.session[SIGN_OUT_ELSEWHERE] = {"name": provider.name, "url": url}
    if found.linked_now:
        messages.info(request, _("Your %(provider)s account is now linked to Waypoint. You can see it under "
                                 "Sign-in methods.") % {"provider": provider.name})
    return redirect(_safe_next(request, next_url))


# The SAML POST binding: the identity provider's page makes the browser POST the Response here. That POST
# comes from another site, so it carries no CSRF token (csrf_exempt: the Response's signature, its
# InResponseTo and the RelayState bound to this browser's session are the proof instead) and, because the
# session cookie is SameSite=Lax, no session cookie either. So the POST only parks the Response for two
# minutes under a random key and redirects (303) to a GET here, which a browser sends with the session
# cookie (a top-level navigation); that GET checks everything against the session and signs in.
@csrf_exempt
@require_POST
def saml_acs(request: HttpRequest) -> HttpResponse:
    key = saml.park(request.POST)
    if key is None:
        return render(request, "sso/refused.html", {}, status=400)
    response = HttpResponse(status=303)  # See Other: the browser follows with a GET
    response["Location"] = reverse("sso:saml-continue", args=[key])
    return response


@require_GET
def saml_continue(request: HttpRequest, key: str) -> HttpResponse:
    parked = saml.unpark(key)
    try:
        if parked is None:
            raise oidc.SignInRefused("no parked SAML response (expired or used)")
        answer = saml.finish(session=request.session, request=request, response=parked["response"],
                             relay_state=parked["relay_state"])
    except oidc.SignInRefused as refused:
        logger.warning("SAML sign-in refused: %s", refused.reason)
        return render(request, "sso/refused.html", {}, status=400)
    return _sign_in(request, provider=answer.provider, claims=answer.claims, next_url=answer.next_url)


@require_GET
def saml_metadata(request: HttpRequest) -> HttpResponse:
    """Waypoint's SAML service provider metadata, for a district's IT to load into its identity provider."""
    return HttpResponse(saml.sp_metadata(request), content_type="application/samlmetadata+xml")


LINKING_MESSAGES = {
    services.Outcome.TAKEN: _lazy("That %(provider)s account is already linked to another Waypoint account, so it was "
                                  "not linked to yours. Nothing changed."),
    services.Outcome.NOT_ALLOWED: _lazy("Only family members can link their own %(provider)s account. Nothing changed."),
}


def _finish_linking(request: HttpRequest, answer: oidc.Answer) -> HttpResponse:
    """The end of "Link your Google account": only for the same person, still signed in, who started it."""
    if not request.user.is_authenticated or request.user.pk != answer.linking_user_id:
        logger.warning("SSO link finished by another session than the one that started it")
        return render(request, "sso/refused.html", {}, status=400)
    outcome = services.link_own_account(user=request.user, provider=answer.provider, claims=answer.claims,
                                        ip_address=client_ip(request))
    names = {"provider": answer.provider.name}
    if outcome == services.Outcome.LINKED:
        messages.success(request, _("Your %(provider)s account is linked. Next time you can sign in with it on the "
                                    "sign-in page.") % names)
    else:
        messages.error(request, LINKING_MESSAGES[outcome] % names)
    return redirect("sso:methods")


@login_required
@require_GET
def link_own(request: HttpRequest, provider_id: int) -> HttpResponse:
    """"Link your Google account" on a family member's Sign-in methods page: off to the provider to sign in
    there; the callback links the answer to this account. A link, not a form, for the reason `start` gives."""
    provider = get_object_or_404(IdentityProvider, pk=provider_id, enabled=True, district__isnull=True,
                                 protocol=IdentityProvider.Protocol.OIDC)
    if not is_family_account(request.user):
        raise Http404
    try:
        url = oidc.start(session=request.session, provider=provider, redirect_uri=_callback_uri(request),
                         next_url=reverse("sso:methods"), linking_user_id=request.user.pk)
    except oidc.SignInRefused as refused:
        logger.warning("SSO link start with provider %s failed: %s", provider.pk, refused.reason)
        return render(request, "sso/refused.html", {"provider": provider}, status=502)
    return redirect(url)


@require_http_methods(["GET", "POST"])
def link_request(request: HttpRequest) -> HttpResponse:
    """Families: ask for a one-use sign-in link by email. The answer never says whether the email is known."""
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        magic_link.request_link(email=form.cleaned_data["email"], ip_address=client_ip(request))
        return redirect("sso:link-sent")
    return render(request, "sso/link_request.html", {"form": form})


@require_GET
def link_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "sso/link_sent.html")


@require_http_methods(["GET", "POST"])
def link_sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. Opening it only shows a button (mail scanners open links); pressing it signs in."""
    link = magic_link.find(token)
    if request.method == "GET":
        if not magic_link.usable(link):
            return render(request, "sso/link_invalid.html", status=404)
        return render(request, "sso/link_confirm.html")
    if link is not None and AxesProxyHandler.is_locked(request, {"username": link.user.email}):
        return render(request, "accounts/locked_out.html", status=429)
    user = magic_link.use(token=token, request=request)
    if user is None:
        return render(request, "sso/link_invalid.html", status=404)
    login(request, user, backend=BACKEND)
    return redirect("accounts:home")


@login_required
@require_GET
def methods(request: HttpRequest) -> HttpResponse:
    """How this person signs in: the provider accounts linked to theirs, and the recent changes."""
    context = {"identities": services.linked_identities(request.user),
               "to_link": services.providers_to_link(request.user),
               "events": security_events.recent_for(request.user)}
    return render(request, "sso/methods.html", context)


@login_required
@require_POST
def unlink(request: HttpRequest, identity_id: int) -> HttpResponse:
    if services.unlink(user=request.user, identity_id=identity_id, ip_address=client_ip(request)):
        messages.success(request, _("That account is no longer linked. The next sign-in with it will link it again "
                                    "only if your district's records match it."))
    return redirect("sso:methods")
