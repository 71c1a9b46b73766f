"""What each part of the app registers at start-up (demo steps, exporters, notice texts), one
function per part, so the parts are added side by side without touching each other."""


def _groups() -> None:
    pass


def _teams() -> None:
    pass


def _facilities() -> None:
    pass


def register_all() -> None:
    _groups()
    _teams()
    _facilities()
