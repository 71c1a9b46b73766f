"""What an import preview shows of a cell: at most ``IMPORT_PREVIEW_CELL_CHARS`` characters."""

from django import template

from communities.importing.limits import shown

register = template.Library()
register.filter("preview_cell", shown)
