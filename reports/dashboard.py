"""(being built)"""


def register() -> None:
    pass
