"""Web forms of the account pages (Flask-WTF: CSRF token and field validation)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError
from wtforms.widgets import DateInput

from saas.auth import password_policy
from saas.auth.addresses import email_problem
from saas.auth.password_policy import MAX_LENGTH, MIN_LENGTH
from saas.auth.roles import ROLE_LABELS, ROLES
from saas.i18n import _l


class EmailAddress:
    """An address that can receive mail, refused with the reason (a reserved domain, a
    missing @...) rather than a bare "not valid"."""

    def __call__(self, form, field) -> None:
        problem = email_problem(field.data)
        if problem:
            raise ValidationError(problem)


ROLE_CHOICES = [SelectChoice(role, ROLE_LABELS[role]) for role in ROLES]

_password = [
    DataRequired(_l("Choose a password.")),
    # WTForms fills in %(min)d and %(max)d.
    Length(MIN_LENGTH, MAX_LENGTH, _l("Use %(min)d to %(max)d characters.")),
]
_email = [
    DataRequired(_l("Enter an e-mail address.")),
    Length(max=254, message=_l("That e-mail address is too long.")),
    EmailAddress(),
]
_name = [
    DataRequired(_l("Enter a name.")),
    Length(max=200, message=_l("Use at most 200 characters.")),
]


class SignupForm(FlaskForm):
    company = StringField(
        _l("Company name"),
        [
            DataRequired(_l("Enter your company's name.")),
            Length(max=200, message=_l("Use at most 200 characters.")),
        ],
    )
    slug = StringField(
        _l("Workspace address"),
        [DataRequired(_l("Choose a subdomain.")), Length(3, 40, _l("Use 3 to 40 characters."))],
    )
    name = StringField(_l("Your name"), _name)
    email = EmailField(_l("Work e-mail"), _email)
    password = PasswordField(_l("Password"), _password)
    # The installed industry plugins (choices set by the view; empty: the field is not shown).
    industry = SelectField(_l("Industry (optional)"), choices=[], validate_choice=False)

    def validate_industry(self, field) -> None:
        """An industry is one the server offers, or none."""
        from saas.plugins.services import industries

        if field.data and field.data not in {meta.name for meta in industries()}:
            raise ValidationError(_l("Choose one of the industries offered, or none."))

    def validate_slug(self, field) -> None:
        """Say at once when the subdomain is malformed, reserved or taken."""
        from tenants.provisioning import slug_problem

        problem = slug_problem((field.data or "").strip().lower())
        if problem:
            raise ValidationError(problem)

    def validate_password(self, field) -> None:
        """Say how to make the password harder to guess (zxcvbn's advice), with the
        company, its address, the name and the e-mail as words it must not lean on."""
        if field.errors or not field.data:
            return
        problem = password_policy.password_problem(
            field.data,
            inputs=password_policy.user_inputs(
                self.email.data, self.name.data, self.slug.data, self.company.data
            ),
        )
        if problem:
            raise ValidationError(problem)


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail"), [DataRequired(_l("Enter your e-mail address.")), Length(max=254)]
    )
    password = PasswordField(
        _l("Password"), [DataRequired(_l("Enter your password.")), Length(max=1024)]
    )


class SecondStepForm(FlaskForm):
    code = StringField(
        _l("Code"),
        [DataRequired(_l("Enter the code your app shows, or a recovery code.")), Length(max=40)],
    )


class EnrolmentCodeForm(FlaskForm):
    code = StringField(
        _l("Code from the app"),
        [DataRequired(_l("Enter the 6-digit code your app shows.")), Length(max=20)],
    )


class TwoFactorProofForm(FlaskForm):
    """Turning two-factor sign-in off, or replacing the recovery codes, asks for proof."""

    proof = PasswordField(
        _l("Your password, or a code from your app"),
        [DataRequired(_l("Enter your password or a code from your app.")), Length(max=1024)],
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), _email)


class FindWorkspaceForm(FlaskForm):
    email = EmailField(_l("Your work e-mail"), _email)


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), _password)


class AcceptInvitationForm(FlaskForm):
    name = StringField(_l("Your name"), _name)
    password = PasswordField(_l("Choose a password"), _password)


class InviteForm(FlaskForm):
    name = StringField(_l("Name"), _name)
    email = EmailField(_l("E-mail"), _email)
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="member")


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change something."""


class ApiTokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        [
            DataRequired(_l("Give the token a name.")),
            Length(max=100, message=_l("Use at most 100 characters.")),
        ],
    )
    scope = SelectField(
        _l("Access"),
        choices=[
            SelectChoice("read_write", _l("Read and write")),
            SelectChoice("read_only", _l("Read only")),
        ],
        default="read_write",
    )
    expires = SelectField(
        _l("Expires"),
        choices=[
            SelectChoice("7", _l("In 7 days")),
            SelectChoice("30", _l("In 30 days")),
            SelectChoice("90", _l("In 90 days")),
            SelectChoice("365", _l("In a year")),
            SelectChoice("date", _l("On a date")),
            SelectChoice("never", _l("Never")),
        ],
        default="90",
    )
    # A plain string (the service reads and checks it) shown as the browser's date picker.
    expires_on = StringField(_l("Expiry date"), [Optional(), Length(max=10)], widget=DateInput())


class SsoProviderForm(FlaskForm):
    """An OpenID Connect provider; the service checks the issuer further (https, no query)."""

    # Rendered as a hidden input: the id the redirect URI shown before saving is made for.
    provider_id = StringField(_l("Provider ID"), [Optional(), Length(max=36)])
    name = StringField(
        _l("Button label"),
        [
            DataRequired(_l("Enter a label.")),
            Length(max=100, message=_l("Use at most 100 characters.")),
        ],
    )
    issuer = StringField(
        _l("Issuer URL"),
        [
            DataRequired(_l("Enter the issuer URL.")),
            Length(max=500, message=_l("Use at most 500 characters.")),
            URL(
                require_tld=False, message=_l("Enter a URL, such as https://accounts.example.com.")
            ),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    client_id = StringField(
        _l("Client ID"),
        [
            DataRequired(_l("Enter the client ID.")),
            Length(max=500, message=_l("Use at most 500 characters.")),
        ],
    )
    client_secret = PasswordField(
        _l("Client secret"),
        [Optional(), Length(max=1000, message=_l("Use at most 1000 characters."))],
    )
    allow_signup = BooleanField(
        _l("Create an account on first sign-in for people the provider vouches for")
    )
    default_role = SelectField(_l("Role of new accounts"), choices=ROLE_CHOICES, default="member")
    enabled = BooleanField(_l("Enabled"), default=True)
