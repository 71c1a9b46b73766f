"""What each part of the app registers at start-up (demo steps, exporters, notice texts, the
compound page's panels), one function per part, so the parts are added side by side without
touching each other.

The compound page's order (``communities.panels``): the inspections' sections 10-30, disputes
40, then watch groups 50, patrols 60, facilities 70; the activities (200) come last."""


def _groups() -> None:
    from communities.exports import register
    from communities.panels import CompoundPanel, register_compound_panel
    from patrols import group_demo  # noqa: F401  (the demo step)
    from patrols.group_exporting import WatchGroupsExporter
    from patrols.group_selectors import compound_panel

    register(WatchGroupsExporter())
    register_compound_panel(
        CompoundPanel("watch_groups", "patrols/groups/panel.html", compound_panel, order=50)
    )


def _teams() -> None:
    from communities.exports import register
    from communities.notifications import register_notice_texts
    from communities.panels import CompoundPanel, register_compound_panel
    from patrols import team_demo, team_panel, team_tasks  # noqa: F401  (demo step, daily job)
    from patrols.team_exporting import PatrolLogsExporter, TeamsExporter
    from patrols.team_notices import NOTICE_TEXTS

    register_notice_texts(NOTICE_TEXTS)
    register(TeamsExporter())
    register(PatrolLogsExporter())
    register_compound_panel(
        CompoundPanel("patrols.teams", "patrols/team_panel.html", team_panel.panel_context, 60)
    )


def _facilities() -> None:
    from communities.panels import CompoundPanel, register_compound_panel
    from patrols import facility_demo, facility_tasks  # noqa: F401  (the demo step, the daily job)
    from patrols.facility_exporting import register_exporter
    from patrols.facility_panel import panel_context

    register_exporter()
    register_compound_panel(
        CompoundPanel("patrols.facilities", "patrols/facility_panel.html", panel_context, 70)
    )


def register_all() -> None:
    _groups()
    _teams()
    _facilities()
