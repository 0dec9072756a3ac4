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


class EmailAddress:
    """An address that can receive mail, refused with the reason (a reserved domain, a
    missing @...) rather than a bare "not valid"."""

    def __call__(self, form, field) -> None:
        problem = email_problem(field.data)
        if problem:
            raise ValidationError(problem)


ROLE_CHOICES = [SelectChoice(role, ROLE_LABELS[role]) for role in ROLES]

_password = [
    DataRequired("Choose a password."),
    Length(MIN_LENGTH, MAX_LENGTH, f"Use {MIN_LENGTH} to {MAX_LENGTH} characters."),
]
_email = [
    DataRequired("Enter an e-mail address."),
    Length(max=254, message="That e-mail address is too long."),
    EmailAddress(),
]
_name = [DataRequired("Enter a name."), Length(max=200, message="Use at most 200 characters.")]


class SignupForm(FlaskForm):
    company = StringField(
        "Company name",
        [
            DataRequired("Enter your company's name."),
            Length(max=200, message="Use at most 200 characters."),
        ],
    )
    slug = StringField(
        "Workspace address",
        [DataRequired("Choose a subdomain."), Length(3, 40, "Use 3 to 40 characters.")],
    )
    name = StringField("Your name", _name)
    email = EmailField("Work e-mail", _email)
    password = PasswordField("Password", _password)

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
    email = EmailField("E-mail", [DataRequired("Enter your e-mail address."), Length(max=254)])
    password = PasswordField("Password", [DataRequired("Enter your password."), Length(max=1024)])


class SecondStepForm(FlaskForm):
    code = StringField(
        "Code",
        [DataRequired("Enter the code your app shows, or a recovery code."), Length(max=40)],
    )


class EnrolmentCodeForm(FlaskForm):
    code = StringField(
        "Code from the app",
        [DataRequired("Enter the 6-digit code your app shows."), Length(max=20)],
    )


class TwoFactorProofForm(FlaskForm):
    """Turning two-factor sign-in off, or replacing the recovery codes, asks for proof."""

    proof = PasswordField(
        "Your password, or a code from your app",
        [DataRequired("Enter your password or a code from your app."), Length(max=1024)],
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField("E-mail", _email)


class FindWorkspaceForm(FlaskForm):
    email = EmailField("Your work e-mail", _email)


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", _password)


class AcceptInvitationForm(FlaskForm):
    name = StringField("Your name", _name)
    password = PasswordField("Choose a password", _password)


class InviteForm(FlaskForm):
    name = StringField("Name", _name)
    email = EmailField("E-mail", _email)
    role = SelectField("Role", choices=ROLE_CHOICES, default="member")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change something."""


class ApiTokenForm(FlaskForm):
    name = StringField(
        "Token name",
        [
            DataRequired("Give the token a name."),
            Length(max=100, message="Use at most 100 characters."),
        ],
    )
    scope = SelectField(
        "Access",
        choices=[
            SelectChoice("read_write", "Read and write"),
            SelectChoice("read_only", "Read only"),
        ],
        default="read_write",
    )
    expires = SelectField(
        "Expires",
        choices=[
            SelectChoice("7", "In 7 days"),
            SelectChoice("30", "In 30 days"),
            SelectChoice("90", "In 90 days"),
            SelectChoice("365", "In a year"),
            SelectChoice("date", "On a date"),
            SelectChoice("never", "Never"),
        ],
        default="90",
    )
    # A plain string (the service reads and checks it) shown as the browser's date picker.
    expires_on = StringField("Expiry date", [Optional(), Length(max=10)], widget=DateInput())


class SsoProviderForm(FlaskForm):
    """An OpenID Connect provider; the service checks the issuer further (https, no query)."""

    # Rendered as a hidden input: the id the redirect URI shown before saving is made for.
    provider_id = StringField("Provider ID", [Optional(), Length(max=36)])
    name = StringField(
        "Button label",
        [DataRequired("Enter a label."), Length(max=100, message="Use at most 100 characters.")],
    )
    issuer = StringField(
        "Issuer URL",
        [
            DataRequired("Enter the issuer URL."),
            Length(max=500, message="Use at most 500 characters."),
            URL(require_tld=False, message="Enter a URL, such as https://accounts.example.com."),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    client_id = StringField(
        "Client ID",
        [
            DataRequired("Enter the client ID."),
            Length(max=500, message="Use at most 500 characters."),
        ],
    )
    client_secret = PasswordField(
        "Client secret", [Optional(), Length(max=1000, message="Use at most 1000 characters.")]
    )
    allow_signup = BooleanField(
        "Create an account on first sign-in for people the provider vouches for"
    )
    default_role = SelectField("Role of new accounts", choices=ROLE_CHOICES, default="member")
    enabled = BooleanField("Enabled", default=True)
