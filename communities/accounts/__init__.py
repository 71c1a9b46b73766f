"""Accounts and sessions (GB/T 22239-2019 8.1.4.1): the password policy and its history, the
password's age, login lockout (django-axes), session limits, ending a disabled user's sessions
and disabling dormant accounts. A Django app of its own (label ``accounts``) inside
``communities``, so its tables and migrations stay apart from the register's."""
