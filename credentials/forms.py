from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RubricCriterion


class ChooseForm(forms.Form):
    competency_id = forms.IntegerField(widget=forms.HiddenInput)


class RevokeForm(forms.Form):
    note = forms.CharField(label=_("Why is this credential revoked?"), max_length=300,
                           help_text=_("The family sees this reason."))


class RevokeAwardForm(forms.Form):
    note = forms.CharField(label=_("Why is this micro-credential revoked?"), max_length=300,
                           help_text=_("The educator sees this reason."),
                           error_messages={"required": _("Please say why the credential is revoked.")})


class SubmissionForm(forms.Form):
    reflection = forms.CharField(label=_("Your reflection"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000,
                                 help_text=_("What you did, what changed for your students, what you would do next."))
    links = forms.CharField(label=_("Links to evidence (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            max_length=2000, help_text=_("One web address per line, starting with https://."))
    file = forms.FileField(label=_("A file (optional)"), required=False, help_text=_("A PDF or a picture, at most 5 MB."))


class ReviewForm(forms.Form):
    DECISIONS = [("award", _("Award the micro-credential")), ("return", _("Return it with feedback"))]

    feedback = forms.CharField(label=_("Feedback to the educator"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                               max_length=3000)
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name, help_text=criterion.description, choices=RubricCriterion.LEVELS, coerce=int,
                widget=forms.RadioSelect)
        self.order_fields([f"criterion_{c.pk}" for c in criteria] + ["feedback", "decision"])

    def levels(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}
