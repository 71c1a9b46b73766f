"""Two-factor login (issue 10, GB/T 22239 8.1.4.1): a TOTP authenticator app (django-otp's
``otp_totp``) and ten single-use recovery codes (``otp_static``).

Who must enrol is ``settings.TWO_FACTOR_REQUIRED_FOR`` ("privileged", "all" or "none"; see
``policy``). After the password step, ``middleware.TwoFactorMiddleware`` sends a user who has a
device to the code page and one who must enrol but has none to the enrolment page, for the
workbench and the admin alike. ``signals`` tell the audit trail what happened.
"""
