"""What each role may do with activities; merged into the role groups from
``CommunitiesConfig.ready`` (``extend_role_permissions``), like the other apps' tables.

Who records: a property company's admins and staff for the compounds it runs, the community
committee, street office and bureau (admins and staff) for their area. Viewers read and export.
Where each may record is the service's rule (``activities.services``), not the permission's.
"""

from communities.models import OrganisationKind as K
from communities.models import Role as R

READ = {"communities.view_activity", "communities.view_activityphoto"}
EXPORT = {"communities.export_activity"}
WRITE = {
    "communities.add_activity",
    "communities.change_activity",
    "communities.delete_activity",
}

ACTIVITY_ROLE_PERMISSIONS = {
    (kind, role): READ | EXPORT | (WRITE if role != R.VIEWER else set())
    for kind in (K.BUREAU, K.STREET_OFFICE, K.COMMUNITY_COMMITTEE, K.PROPERTY_COMPANY)
    for role in (R.ADMIN, R.STAFF, R.VIEWER)
}
