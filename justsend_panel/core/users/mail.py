"""Password links by e-mail, with Django's password-reset machinery (tokens, templates)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.template import loader

RESET_EMAIL = "users/email/password_reset_email.txt"
RESET_SUBJECT = "users/email/password_reset_subject.txt"
INVITE_EMAIL = "users/email/password_set_email.txt"
INVITE_SUBJECT = "users/email/password_set_subject.txt"


class PanelPasswordResetForm(PasswordResetForm):
    """Django's form, also for an account made without a password (it gets one by the link):
    every panel account has a local password, none signs in elsewhere."""

    def get_users(self, email):
        user_model = get_user_model()
        email_field = user_model.get_email_field_name()
        users = user_model._default_manager.filter(
            **{f"{email_field}__iexact": email, "is_active": True}
        )
        return (user for user in users if getattr(user, email_field).casefold() == email.casefold())


class OneUserPasswordLinkForm(PanelPasswordResetForm):
    """The link for one chosen account (an administrator's action), and a failure to send
    raised, not only logged as the public form does: the administrator is told."""

    def __init__(self, *, user):
        email_field = get_user_model().get_email_field_name()
        super().__init__(data={"email": getattr(user, email_field)})
        self.user = user

    def get_users(self, email):
        return [self.user]

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        EmailMultiAlternatives(subject, body, from_email, [to_email]).send()
