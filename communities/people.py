"""How a person (a user account) is named on every page, file and admin list: the full name,
else the login name; never the bare login where a name exists."""


def person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
