"""``manage.py bench``: the site measured at scale, each figure beside its floor.

A floor is the least the same work could cost on this machine in the same run: the bare view
through the same middleware for a page, hand-written SQL for a figure, xlsxwriter fed from a
plain ``values_list`` for an export, one ``bulk_create`` for an import. Ratios against floors
measured seconds apart hold on a noisy machine where absolute times do not. Every measurement is
a ``Figure`` with its target; the command prints them as a table and writes them as JSON.
"""
