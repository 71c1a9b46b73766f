"""Import of the register from .xlsx and CSV files (django-import-export, hardened).

``base`` holds the scoped resource every register resource derives from, ``widgets`` the cell
parsers, ``formats`` the defensive file readers, ``errors`` the row/column error lines,
``storage`` the waiting files between preview and confirmation, ``template`` the blank files.
"""
