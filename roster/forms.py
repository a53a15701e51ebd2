from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"


class RosterUploadForm(forms.Form):
    package = forms.FileField(
        label=_("OneRoster file (.zip)"),
        help_text=_("The zip your student information system exports, with manifest.csv inside. Up to 100 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    dry_run = forms.BooleanField(
        label=_("Check only: show what would change, and change nothing"), required=False, initial=True
    )

    def clean_package(self):
        upload = self.cleaned_data["package"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("This file is larger than 100 MB. Split the export or ask for help."))
        head = upload.read(4)
        upload.seek(0)
        if head != ZIP_MAGIC:  # judge by content, not by the name (quality.md T4.6)
            raise forms.ValidationError(_("This is not a zip file. Upload the .zip your student information system made."))
        return upload
