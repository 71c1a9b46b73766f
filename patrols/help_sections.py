"""Which section of the user guide explains each workbench page of 群防群治
(communities.guide): one dict per part, merged here."""

GROUP_SECTIONS: dict[str, str] = {}
TEAM_SECTIONS: dict[str, str] = {}
FACILITY_SECTIONS: dict[str, str] = {}

HELP_SECTIONS = GROUP_SECTIONS | TEAM_SECTIONS | FACILITY_SECTIONS
