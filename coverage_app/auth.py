"""Log-in throttling helpers for django-axes, and a password change that axes throttles too."""

from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.views.decorators.debug import sensitive_variables


def axes_username(request, credentials) -> str:
    """The username a failed log-in tried, safe to store: printable characters, 150 at most."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return "".join(ch for ch in str(raw) if ch.isprintable())[:150]


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Checks the old password with authenticate(), so a stolen session cannot guess it freely.

    user.check_password goes unseen by axes; authenticate() counts each wrong guess against this
    username and address, and refuses even the right password once they are locked out.
    """

    def __init__(self, user, *args, request, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    @sensitive_variables("old_password")
    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        # On the lockout, axes flags the request and AxesMiddleware answers with its lockout page.
        user = authenticate(self.request, username=self.user.get_username(), password=old_password)
        if user != self.user:
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class ThrottledPasswordChangeView(PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
