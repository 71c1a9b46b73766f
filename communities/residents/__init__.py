"""Residents (实有人口), rented homes and the registration rate (列管率): 以房管人.

The model is ``communities/models/residents.py``; this package holds the rest, like
``communities/activities``: services, figures, the work list, selectors, forms, views, the
export, the import, the admin, the roles, the daily job and the demo step.
"""
