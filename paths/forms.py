"""Validation with messages a parent understands. Forms never save: views hand cleaned data to services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from competencies.models import Framework

from .models import LearningSession, OptionKind, OptionMode

DATE = {"type": "date"}


def _competency_field(queryset) -> forms.ModelMultipleChoiceField:
    field = forms.ModelMultipleChoiceField(
        label=_("Competencies this step works on"), queryset=queryset, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one competency."),
                        "invalid_choice": _("Choose competencies from the list.")},
    )
    field.label_from_instance = str
    return field


class TemplateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What this path is about (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    school = forms.ModelChoiceField(label=_("School"), queryset=None, empty_label=None)
    framework = forms.ModelChoiceField(label=_("Competency framework"), queryset=Framework.objects.order_by("title"),
                                       error_messages={"required": _("Choose the framework the steps come from.")})

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class TemplateStepForm(forms.Form):
    title = forms.CharField(label=_("Step title"), max_length=200)
    description = forms.CharField(label=_("Description (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    target_days = forms.IntegerField(label=_("Target duration in school days"), min_value=1, max_value=120, initial=10,
                                     error_messages={"min_value": _("Give at least one day."), "max_value": _("Give at most 120 days.")})

    def __init__(self, *args, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"] = _competency_field(competencies)


class OptionForm(forms.Form):
    kind = forms.ChoiceField(label=_("This is a way to"), choices=[(OptionKind.LEARN, _("learn")), (OptionKind.SHOW, _("show learning"))])
    mode = forms.ChoiceField(label=_("How"), choices=OptionMode.choices)
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("For example: Make a short video"))
    description = forms.CharField(label=_("What the student does"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    link = forms.URLField(label=_("Link to a material (optional)"), required=False, max_length=500, assume_scheme="https",
                          error_messages={"invalid": _("Enter a web address, for example https://example.org/lesson.")})
    estimated_minutes = forms.IntegerField(label=_("Estimated time in minutes"), min_value=1, max_value=600, initial=20)
    accessibility_notes = forms.CharField(label=_("Accessibility notes (optional)"), required=False, max_length=300,
                                          help_text=_("For example: captions available, read-aloud friendly"))


class AssignForm(forms.Form):
    template = forms.ModelChoiceField(label=_("Path"), queryset=None, empty_label=None)
    students = forms.ModelMultipleChoiceField(label=_("Students"), queryset=None, widget=forms.CheckboxSelectMultiple,
                                              error_messages={"required": _("Choose at least one student.")})
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, templates, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["students"].queryset = students
        self.fields["students"].label_from_instance = lambda s: s.display_name
        self.fields["start_date"].initial = timezone.localdate()


class StepForm(forms.Form):
    """A step of one student's path: add, or change its words, date and competencies."""

    title = forms.CharField(label=_("Step title"), max_length=200)
    description = forms.CharField(label=_("Description (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    target_date = forms.DateField(label=_("Target date"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"] = _competency_field(competencies)


class OverrideForm(forms.Form):
    action = forms.ChoiceField(label=_("What to do"), widget=forms.RadioSelect,
                               choices=[("open", _("Open this step now")), ("skip", _("Skip this step"))])
    reason = forms.CharField(label=_("Why"), max_length=300, help_text=_("The student, the family and the team will see this."),
                             error_messages={"required": _("Say why, so the student, the family and the team can see it.")})


class RescheduleForm(forms.Form):
    end_date = forms.DateField(label=_("New date for the last step"), widget=forms.DateInput(attrs=DATE),
                               help_text=_("The steps not done yet keep their share of the time."))


class ChoiceForm(forms.Form):
    learn = forms.ChoiceField(label=_("How I want to learn this"), widget=forms.RadioSelect, required=False)
    show = forms.ChoiceField(label=_("How I want to show what I learned"), widget=forms.RadioSelect, required=False)
    reason = forms.CharField(label=_("Why I chose this (optional)"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, learn_options, show_options, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = {str(o.pk): o for o in [*learn_options, *show_options]}
        self.fields["learn"].choices = [(str(o.pk), _option_label(o)) for o in learn_options]
        self.fields["show"].choices = [(str(o.pk), _option_label(o)) for o in show_options]

    def clean(self):
        data = super().clean()
        if not data.get("learn") and not data.get("show"):
            raise forms.ValidationError(_("Choose a way to learn or a way to show what you learned."))
        data["learn"] = self.options.get(data.get("learn") or "")
        data["show"] = self.options.get(data.get("show") or "")
        return data


def _option_label(option) -> str:
    return f"{option.title} ({option.estimated_minutes} min)"


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of session"), choices=LearningSession.Kind.choices)
    staff = forms.ModelChoiceField(label=_("Led by"), queryset=None, empty_label=None)
    room = forms.CharField(label=_("Room or link"), max_length=100)
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    minutes = forms.IntegerField(label=_("Length in minutes"), min_value=5, max_value=240, initial=30)
    focus = forms.CharField(label=_("Focus (optional)"), max_length=300, required=False)
    students = forms.ModelMultipleChoiceField(label=_("Students"), queryset=None, widget=forms.CheckboxSelectMultiple,
                                              error_messages={"required": _("Choose at least one student.")})

    def __init__(self, *args, staff, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff
        self.fields["staff"].label_from_instance = lambda u: u.get_full_name() or u.email
        self.fields["students"].queryset = students
        self.fields["students"].label_from_instance = lambda s: s.display_name

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at < timezone.now():
            raise forms.ValidationError(_("Choose a time that has not passed yet."))
        return starts_at
