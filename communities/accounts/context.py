"""The request being served, for code Django calls without one (a password validator's
``password_changed`` hook, a model signal). Set by ``PasswordAgeMiddleware``."""

from contextvars import ContextVar

_current_request: ContextVar = ContextVar("accounts_current_request", default=None)


def current_request():
    return _current_request.get()


def bind_request(request):
    return _current_request.set(request)


def unbind_request(token) -> None:
    _current_request.reset(token)
