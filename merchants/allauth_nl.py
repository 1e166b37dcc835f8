"""Dutch for the pages, messages and emails of django-allauth.

allauth ships its own Dutch catalogue, but it speaks to the user informally ("je", "Je bent nu
ingelogd"), calls logging in and out "Aanmelden"/"Afmelden" (ambiguous: "aanmelden" also means
signing up) and writes "twee-factor-authenticatie". Our pages use formal Dutch ("u"), "Inloggen",
"Uitloggen" and "tweestapsverificatie".

Our catalogue (LOCALE_PATHS) takes priority over the catalogues of installed apps. Listing
allauth's msgids here, marked with gettext_noop, makes `makemessages` copy them into
locale/nl/LC_MESSAGES/django.po, where they get our translation; the check in
scripts/check_translations.py then keeps them translated. Nothing imports this module.

The msgids must equal allauth's exactly (compare allauth/locale/nl/LC_MESSAGES/django.po), or the
override silently stops working. After upgrading allauth, check that they still exist. Covered:
login, logout, password change/set/reset, email addresses and their confirmation, confirming
access, the inactive account page, the TOTP and recovery-code pages of allauth.mfa and the
messages and emails of those flows. Not covered, because we do not use them: sign-up (closed),
social accounts, login by code, phone numbers, WebAuthn and allauth's own page layout (we
override templates/allauth/layouts/base.html).
"""

from django.utils.translation import gettext_noop, ngettext

ALLAUTH_STRINGS = (
    # Log in (our account/login.html renders allauth's LoginForm)
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Password"),
    gettext_noop("Remember Me"),
    gettext_noop("Forgot your password?"),
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("Too many failed login attempts. Try again later."),
    # Log out
    gettext_noop("Sign Out"),
    gettext_noop("Are you sure you want to sign out?"),
    # Change or set the password
    gettext_noop("Change Password"),
    gettext_noop("Current Password"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("Please type your current password."),
    gettext_noop("You must type the same password each time."),
    gettext_noop("Set Password"),
    gettext_noop("Password (again)"),
    # Password reset: request, done, from key, from key done
    gettext_noop("Password Reset"),
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we'll send you an email "
        "allowing you to reset it.",
    ),
    gettext_noop("Reset My Password"),
    gettext_noop("Please contact us if you have any trouble resetting your password."),
    gettext_noop("Note"),
    gettext_noop("You are already logged in as %(user_display)s."),
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam folder. "
        "Otherwise contact us if you do not receive it in a few minutes.",
    ),
    gettext_noop("Bad Token"),
    gettext_noop(
        "The password reset link was invalid, possibly because it has already been used.  Please "
        'request a <a href="%(passwd_reset_url)s">new password reset</a>.',
    ),
    gettext_noop("Cancel"),
    gettext_noop("The password reset token was invalid."),
    gettext_noop("Your password is now changed."),
    # Emails: the frame of every allauth email, the reset link, an unknown address
    gettext_noop("Hello from %(site_name)s!"),
    gettext_noop("Thank you for using %(site_name)s!\n%(site_domain)s"),
    gettext_noop("Password Reset Email"),
    gettext_noop(
        "You're receiving this email because you or someone else has requested a password reset "
        "for your user account.\nIt can be safely ignored if you did not request a password reset. "
        "Click the link below to reset your password.",
    ),
    gettext_noop("Unknown Account"),
    gettext_noop(
        "You are receiving this email because you, or someone else, tried to access an account "
        "with email %(email)s. However, we do not have any record of such an account in our "
        "database.",
    ),
    gettext_noop("This mail can be safely ignored if you did not initiate this action."),
    gettext_noop("If it was you, you can sign up for an account using the link below."),
    # Notification emails (sent when ACCOUNT_EMAIL_NOTIFICATIONS is on)
    gettext_noop(
        "You are receiving this mail because the following change was made to your account:",
    ),
    gettext_noop(
        "If you do not recognize this change then please take proper security precautions "
        "immediately. The change to your account originates from:\n\n- IP address: %(ip)s\n- "
        "Browser: %(user_agent)s\n- Date: %(timestamp)s",
    ),
    gettext_noop("Password Changed"),
    gettext_noop("Your password has been changed."),
    gettext_noop("Password Set"),
    gettext_noop("Your password has been set."),
    gettext_noop("Your password has been reset."),
    gettext_noop("Email Changed"),
    gettext_noop("Your email has been changed from %(from_email)s to %(to_email)s."),
    gettext_noop("Email Removed"),
    gettext_noop("Email address %(deleted_email)s has been removed from your account."),
    # Email addresses page
    gettext_noop("Email Addresses"),
    gettext_noop("The following email addresses are associated with your account:"),
    gettext_noop("Verified"),
    gettext_noop("Unverified"),
    gettext_noop("Primary"),
    gettext_noop("Make Primary"),
    gettext_noop("Re-send Verification"),
    gettext_noop("Remove"),
    gettext_noop("Add Email Address"),
    gettext_noop("Add Email"),
    gettext_noop("Do you really want to remove the selected email address?"),
    gettext_noop("Warning:"),
    gettext_noop(
        "You currently do not have any email address set up. You should really add an email "
        "address so you can receive notifications, reset your password, etc.",
    ),
    gettext_noop("This email address is already associated with this account."),
    gettext_noop(
        "You cannot add an email address to an account protected by two-factor authentication.",
    ),
    gettext_noop("Confirmation email sent to %(email)s."),
    gettext_noop("Removed email address %(email)s."),
    gettext_noop("Primary email address set."),
    gettext_noop("Your primary email address must be verified."),
    gettext_noop("You cannot remove your primary email address (%(email)s)."),
    # Email confirmation: page, messages, email
    gettext_noop("Confirm Email Address"),
    gettext_noop(
        'Please confirm that <a href="mailto:%(email)s">%(email)s</a> is an email address for '
        "user %(user_display)s.",
    ),
    gettext_noop("Confirm"),
    gettext_noop(
        "Unable to confirm %(email)s because it is already confirmed by a different account.",
    ),
    gettext_noop(
        "This email confirmation link expired or is invalid. Please <a "
        'href="%(email_url)s">issue a new email confirmation request</a>.',
    ),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop("Verify Your Email Address"),
    gettext_noop(
        "We have sent an email to you for verification. Follow the link provided to finalize the "
        "signup process. If you do not see the verification email in your main inbox, check your "
        "spam folder. Please contact us if you do not receive the verification email within a few "
        "minutes.",
    ),
    gettext_noop("Please Confirm Your Email Address"),
    gettext_noop(
        "You're receiving this email because user %(user_display)s has given your email address to "
        "register an account on %(site_domain)s.",
    ),
    gettext_noop("To confirm this is correct, go to %(activate_url)s"),
    # Confirm access (reauthenticate) with the password
    gettext_noop("Confirm Access"),
    gettext_noop("Please reauthenticate to safeguard your account."),
    gettext_noop("Alternative options"),
    gettext_noop("Use your password"),
    gettext_noop("Use authenticator app or code"),
    gettext_noop("Enter your password:"),
    gettext_noop("Incorrect password."),
    # Inactive account
    gettext_noop("Account Inactive"),
    gettext_noop("This account is inactive."),
    # Messages after logging in and out and changing the password
    gettext_noop("Successfully signed in as %(name)s."),
    gettext_noop("You have signed out."),
    gettext_noop("Password successfully changed."),
    gettext_noop("Password successfully set."),
    # Two-factor authentication: overview
    gettext_noop("Two-Factor Authentication"),
    gettext_noop("Authenticator App"),
    gettext_noop("Authentication using an authenticator app is active."),
    gettext_noop("An authenticator app is not active."),
    gettext_noop("Deactivate"),
    gettext_noop("Activate"),
    gettext_noop("Recovery Codes"),
    gettext_noop("No recovery codes set up."),
    gettext_noop("View"),
    gettext_noop("Download"),
    gettext_noop("Generate"),
    # Activate and deactivate the authenticator app
    gettext_noop("Activate Authenticator App"),
    gettext_noop(
        "To protect your account with two-factor authentication, scan the QR code below with your "
        "authenticator app. Then, input the verification code generated by the app below.",
    ),
    gettext_noop("Authenticator secret"),
    gettext_noop(
        "You can store this secret and use it to reinstall your authenticator app at a later time.",
    ),
    gettext_noop("Authenticator code"),
    gettext_noop("Code"),
    gettext_noop("Incorrect code."),
    gettext_noop(
        "You cannot activate two-factor authentication until you have verified your email address.",
    ),
    gettext_noop("Be patient, you are sending too many requests."),
    gettext_noop("Deactivate Authenticator App"),
    gettext_noop(
        "You are about to deactivate authenticator app based authentication. Are you sure?",
    ),
    gettext_noop("You cannot deactivate two-factor authentication."),
    gettext_noop("Authenticator app activated."),
    gettext_noop("Authenticator app deactivated."),
    gettext_noop("Authenticator App Activated"),
    gettext_noop("Authenticator App Deactivated"),
    # The code step of logging in, and confirming access with a code
    gettext_noop("Sign In"),
    gettext_noop(
        "Your account is protected by two-factor authentication. Please enter an authenticator "
        "code:",
    ),
    gettext_noop("Enter an authenticator code:"),
    # Recovery codes
    gettext_noop("Unused codes"),
    gettext_noop("Download codes"),
    gettext_noop("Generate new codes"),
    gettext_noop("You are about to generate a new set of recovery codes for your account."),
    gettext_noop("This action will invalidate your existing codes."),
    gettext_noop("Are you sure?"),
    gettext_noop(
        "You cannot generate recovery codes without having two-factor authentication enabled.",
    ),
    gettext_noop("A new set of recovery codes has been generated."),
    gettext_noop("New Recovery Codes Generated"),
    gettext_noop("A new set of Two-Factor Authentication recovery codes has been generated."),
)


def _plurals():
    """Never called: Django has no ngettext_noop, so the plural msgids are marked by these
    calls, which `makemessages` (xgettext) extracts."""
    ngettext(
        "There is %(unused_count)s out of %(total_count)s recovery codes available.",
        "There are %(unused_count)s out of %(total_count)s recovery codes available.",
        1,
    )
