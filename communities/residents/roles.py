"""What each role may do with residents, merged into the role groups from
``CommunitiesConfig.ready`` (``extend_role_permissions``).

A resident is kept by whoever keeps households: each role gets the resident permissions that
match its household permissions (view, add, change, delete, import, export). Seeing names, phones
and ID numbers in full stays ``communities.view_personal_data``, which no property-company role
holds (issue 12: residents are the government's register; a company types them, reads masked).
"""

from communities.roles import ROLE_PERMISSIONS

ACTIONS = ("view", "add", "change", "delete", "import", "export")

RESIDENT_ROLE_PERMISSIONS = {
    key: {
        f"communities.{action}_resident"
        for action in ACTIONS
        if f"communities.{action}_household" in codes
    }
    for key, codes in ROLE_PERMISSIONS.items()
}
