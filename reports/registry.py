"""What the reports app adds to the others, from ``ReportsConfig.ready`` (architecture §1: the
apps below never import ``reports``; they keep lists that it adds to). One function per part."""


def register_all() -> None:
    from reports import dashboard, summaries

    dashboard.register()
    summaries.register()
