"""What each role may do with the monthly reports, merged into the role groups from
``ReportsConfig.ready`` (``communities.roles.extend_role_permissions``).

The bureau requests any report of its district, publishes them and writes the circular's
words (its admins: a new version of the template); a street office requests its own street's;
viewers read. Community committees and property companies have no reports (their figures are
on the dashboard and the compound page)."""

from communities.models import OrganisationKind as K
from communities.models import Role as R

VIEW = "reports.view_monthlyreport"
REQUEST = "reports.add_monthlyreport"
PUBLISH = "reports.publish_monthlyreport"
VIEW_TEMPLATE = "reports.view_circulartemplate"
WRITE_TEMPLATE = "reports.add_circulartemplate"

REPORT_ROLE_PERMISSIONS = {
    (K.BUREAU, R.ADMIN): {VIEW, REQUEST, PUBLISH, VIEW_TEMPLATE, WRITE_TEMPLATE},
    (K.BUREAU, R.STAFF): {VIEW, REQUEST, PUBLISH, VIEW_TEMPLATE},
    (K.BUREAU, R.VIEWER): {VIEW},
    (K.STREET_OFFICE, R.ADMIN): {VIEW, REQUEST},
    (K.STREET_OFFICE, R.STAFF): {VIEW, REQUEST},
    (K.STREET_OFFICE, R.VIEWER): {VIEW},
}
