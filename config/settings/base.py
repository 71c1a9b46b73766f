"""Settings read once from the environment (django-environ).

Defaults suit the embedded run (`make run`): SQLite in the project and Celery tasks run
in-process. Production (`config.settings.production`) refuses to start without a secret.
"""

import datetime
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-embedded-run-only-do-not-deploy")
# Off unless asked for (`DEBUG=true make run`): the demo and every deployment show the site's own
# error pages, never Django's technical ones with tracebacks and URL lists.
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "axes",
    "import_export",
    "auditlog",
    "django_celery_beat",
    "django_htmx",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
LOCAL_APPS = [
    "communities",
    "communities.twofactor",
    "communities.accounts",
    "inspections",
    "disputes",
    "patrols",
    "reports",
    "scale",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "communities.audit.middleware.RequestIdMiddleware",
    "communities.csp.SiteCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "communities.twofactor.middleware.TwoFactorMiddleware",
    "communities.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "communities.accounts.sessions.SessionLimitsMiddleware",
    "communities.accounts.passwords.PasswordAgeMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "communities.audit.middleware.AuditMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "communities.context_processors.notifications",
                "communities.context_processors.guide",
                "communities.context_processors.personal_data_gate",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database serves a handful of people at once (`make run`): every transaction
    # takes the write lock when it begins, so a request that reads and then writes cannot
    # deadlock against another and fail with "database is locked"; a request waits its turn up
    # to the busy timeout instead. With ATOMIC_REQUESTS every request is such a transaction, so
    # requests run one at a time: fine for a demo or a few users, PostgreSQL beyond that. WAL
    # lets reads outside a request (a management command) go on beside the writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT_SECONDS", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # ...and queue on a lock of the process, not on SQLite's polling (communities.middleware)
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "communities.middleware.EmbeddedOneAtATimeMiddleware",
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query whose estimated cost passes jit_above_cost; the monthly figures
    # (one aggregate over every compound of a province) pass it and spent more time compiling
    # than running: 1.2 s of a 1.7 s self-check figure at 20,000 compounds (docs/performance.md).
    # Off for this site's connections unless POSTGRES_JIT=true; an `options` given in
    # DATABASE_URL wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", f"-c jit={'on' if env.bool('POSTGRES_JIT', default=False) else 'off'}"
    )
    # Exports and the patrol figures read big results a chunk at a time (``iterator()``), a
    # server-side cursor on PostgreSQL; behind PgBouncer's transaction pooling such a cursor
    # may land on another server connection: there, set POSTGRES_SERVER_SIDE_CURSORS=false.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = not env.bool(
        "POSTGRES_SERVER_SIDE_CURSORS", default=True
    )
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A kept connection (CONN_MAX_AGE) is checked before a request reuses it: after PostgreSQL
# restarts, the next request opens a new one instead of failing on the dead one.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts and sessions (GB/T 22239 8.1.4.1; communities.accounts, docs/operations.md).
# The password policy: 10 characters or more, 3 of 4 character classes, not the login name nor
# like the user's names, not a common one, none of the last PASSWORD_HISTORY_COUNT; older than
# PASSWORD_MAX_AGE_DAYS (0 = never) or set by an administrator, it must be changed before
# anything else.
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=10)
PASSWORD_HISTORY_COUNT = env.int("PASSWORD_HISTORY_COUNT", default=5)
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "communities.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "communities.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "communities.accounts.passwords.UsernameNotContainedValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "communities.accounts.passwords.PasswordHistoryValidator"},
]
# While a password is due, every path but these (and static files) leads to the change page.
PASSWORD_CHANGE_EXEMPT_PATHS = ["/accounts/", "/i18n/", "/help/"]
# Login lockout (django-axes): LOGIN_FAILURE_LIMIT failures for one login name, or from one
# address, lock that name or that address for LOGIN_LOCKOUT_MINUTES (whether the name exists or
# not); a successful login clears the name's count. The address behind reverse proxies: see
# TRUSTED_PROXY_COUNT (communities.accounts.addresses).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "communities.accounts.backends.ModelBackend",
]
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=30)
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # locked for exactly the minutes said
AXES_LOCKOUT_CALLABLE = "communities.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "communities.accounts.addresses.client_address"
AXES_ENABLE_ADMIN = False  # unlock with `manage.py axes_reset_username NAME` (operations)
AXES_DISABLE_ACCESS_LOG = True  # logins and logouts are in the audit trail
# Sessions: at most SESSION_COOKIE_AGE from login however active (12 h), logged out after
# SESSION_IDLE_TIMEOUT_SECONDS without a request (30 min); the last activity is written at most
# once a minute. Accounts nobody has logged into for DORMANT_ACCOUNT_DAYS are disabled daily.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
SESSION_ACTIVITY_RESOLUTION_SECONDS = 60
DORMANT_ACCOUNT_DAYS = env.int("DORMANT_ACCOUNT_DAYS", default=90)
# Two-factor login (communities.twofactor, django-otp): who must enrol an authenticator app:
# "privileged" (bureau members, administrators of any organisation, superusers and operators),
# "all", or "none" (optional for everyone). After each wrong code a device refuses codes for
# 1, 2, 4, 8… seconds times the factor. The issuer is the account's name in the app.
TWO_FACTOR_REQUIRED_FOR = env("TWO_FACTOR_REQUIRED_FOR", default="privileged")
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="平安小区")
OTP_TOTP_THROTTLE_FACTOR = env.int("OTP_TOTP_THROTTLE_FACTOR", default=1)
OTP_STATIC_THROTTLE_FACTOR = env.int("OTP_STATIC_THROTTLE_FACTOR", default=1)
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "communities:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The user guide (docs/user-guide/*.md) is served by the app at /help/ (communities.guide); its
# screenshots are static files.
USER_GUIDE_DIR = BASE_DIR / "docs" / "user-guide"
STATICFILES_DIRS = [BASE_DIR / "static", ("user-guide/img", USER_GUIDE_DIR / "img")]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# `manage.py backup` makes its folders here unless told otherwise (docs/operations.md §6).
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(BASE_DIR / "backups")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: Django does not cap file parts itself; forms check sizes, the web server caps too.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
IMPORT_MAX_FILE_BYTES = env.int("IMPORT_MAX_FILE_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
# Exports (communities/exports/): up to this many rows the file is answered at once; above it a
# background job writes it under MEDIA_ROOT/exports/, kept this many hours, then purged.
EXPORT_INLINE_MAX_ROWS = env.int("EXPORT_INLINE_MAX_ROWS", default=2000)
EXPORT_TTL_HOURS = env.int("EXPORT_TTL_HOURS", default=24)
EXPORT_PROGRESS_EVERY = env.int("EXPORT_PROGRESS_EVERY", default=500)

# Monthly reports (reports app, architecture §14): a unit is ranked only with this many
# approved self-checks (a street; a compound needs its one check) or dispute cases; a compound
# is praised with an approved 达标 check scoring at least this and nothing overdue. A build
# gets these time limits (seconds); the sweep re-sends a report pending this long.
REPORT_RANKING_MIN_CHECKS = env.int("REPORT_RANKING_MIN_CHECKS", default=3)
REPORT_RANKING_MIN_CASES = env.int("REPORT_RANKING_MIN_CASES", default=3)
REPORT_PRAISE_MIN_SCORE = env.int("REPORT_PRAISE_MIN_SCORE", default=95)
REPORT_SOFT_TIME_LIMIT = env.int("REPORT_SOFT_TIME_LIMIT", default=10 * 60)
REPORT_TIME_LIMIT = env.int("REPORT_TIME_LIMIT", default=12 * 60)
REPORT_RESEND_AFTER_MINUTES = env.int("REPORT_RESEND_AFTER_MINUTES", default=5)
# Lists count exactly up to this many rows; above, they show PostgreSQL's estimate ("about")
# instead of counting a province's rows on every page (communities.paginators).
EXACT_COUNT_MAX = env.int("EXACT_COUNT_MAX", default=10_000)
# Such a long list serves the pages of its first this many rows; a deeper page asks for a
# filter, a search or the other order (each page read skips the rows before it).
LIST_DEPTH_MAX = env.int("LIST_DEPTH_MAX", default=10_000)
# The dispute list's figures are kept per scope and filter until a case changes, and at most
# this long (bulk writes send no signal: disputes.list_figures).
LIST_FIGURES_SECONDS = env.int("LIST_FIGURES_SECONDS", default=600)
# The home dashboard's figures are kept per scope (reports.dashboard_cache): a snapshot is
# computed again in the background once something it counts has changed or it is this old, at
# most once per scope this often, and dropped after DASHBOARD_KEEP_SECONDS.
DASHBOARD_FRESH_SECONDS = env.int("DASHBOARD_FRESH_SECONDS", default=300)
DASHBOARD_REFRESH_SECONDS = env.int("DASHBOARD_REFRESH_SECONDS", default=60)
DASHBOARD_KEEP_SECONDS = env.int("DASHBOARD_KEEP_SECONDS", default=2 * 24 * 3600)

# Personal data in full (communities.unmasking): a role allowed to see it states a reason first,
# which holds PERSONAL_DATA_REASON_MINUTES; after PERSONAL_DATA_VIEWS_PER_HOUR pages with
# personal data in full within an hour it is masked again until the hour has passed.
PERSONAL_DATA_REASON_REQUIRED = env.bool("PERSONAL_DATA_REASON_REQUIRED", default=True)
PERSONAL_DATA_REASON_MINUTES = env.int("PERSONAL_DATA_REASON_MINUTES", default=30)
PERSONAL_DATA_VIEWS_PER_HOUR = env.int("PERSONAL_DATA_VIEWS_PER_HOUR", default=200)

# The audit trail (communities.audit): entries carry the request id; kept this many days (at
# least 180, Cybersecurity Law art. 21), then the daily purge deletes them. Behind N reverse
# proxies (nginx: 1) the client address is read from X-Forwarded-For as the outermost one saw it.
AUDITLOG_CID_GETTER = "communities.audit.request_id"
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Browser-side hardening, everywhere (tests and the demo see what production sends). No page of
# ours is ever framed (the admin's related-object popups are windows), so framing is refused both
# ways; the referrer never leaves the site (list addresses carry search words and names).
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = env("SECURE_REFERRER_POLICY", default="same-origin")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content security policy (django-csp 4, communities.csp): scripts, styles, images and forms only
# from this site; no inline script or style on the workbench (docs/architecture.md), the admin
# alone allows inline styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="safecompound@localhost")

# Celery: a broker URL means real workers; without one, tasks run in-process (`make run`).
REDIS_URL = env("REDIS_URL", default="")
# The cache holds the dashboard's figures (reports.dashboard_cache): in Redis when there is
# one, shared by every web process and worker; else in the process's memory (`make run`).
CACHE_URL = env("CACHE_URL", default=REDIS_URL)
CACHES = {
    "default": (
        {
            # Redis down is a cache that knows nothing, not a failing site
            # (communities/cache_backends.py).
            "BACKEND": "communities.cache_backends.TolerantRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {
                "socket_connect_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=1.0),
                "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=1.0),
            },
            # Two installations sharing one Redis (staging beside production) must not read
            # each other's figures: give each its own prefix.
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="safecompound"),
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://"
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 3600}
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Two queues, each with workers of its own (Procfile, docs/operations.md §4): the long jobs
# (a province's monthly report, an export of 300,000 rows, the dashboard's figures, the
# nightly tallies) go to `heavy`; everything else (reminders, notifications, the scheduled
# rules, resends) to `default`, so a long report never delays a reminder. A worker started
# without `-Q` consumes `default` only.
CELERY_TASK_DEFAULT_QUEUE = "default"
HEAVY_TASKS = (
    "reports.build_report",
    "reports.refresh_dashboard",
    "communities.run_export",
    "communities.refresh_resident_tallies",
)
CELERY_TASK_ROUTES = {name: {"queue": "heavy"} for name in HEAVY_TASKS}
WORKER_QUEUES = ("default", "heavy")  # every queue a worker must consume
# /health/workers/: each queue is asked to answer a ping within this many seconds; the answer
# is kept this long, so a monitor polling often sends few pings.
HEALTH_WORKER_TIMEOUT = env.float("HEALTH_WORKER_TIMEOUT", default=5.0)
HEALTH_WORKER_KEEP_SECONDS = env.int("HEALTH_WORKER_KEEP_SECONDS", default=10)

# django-import-export: import and export need their own permissions (see communities.Meta).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True

# django-auditlog
AUDITLOG_INCLUDE_ALL_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Labels shown by the language switcher and in the admin header.
SITE_TITLE = _("平安小区")
AUDITLOG_MASK_CALLABLE = "communities.privacy.mask_for_audit_log"

# Import files (communities.importing): how much an .xlsx may unpack to, where an uploaded file
# waits between preview and confirmation ("" = a private folder in the system temp directory),
# and after how long a file nobody confirmed is purged.
IMPORT_MAX_UNZIPPED_BYTES = env.int("IMPORT_MAX_UNZIPPED_BYTES", default=200 * 1024 * 1024)
# What a file may hold, checked while it is read (communities/importing/limits.py): columns in
# the header row, characters in one cell, different texts in an .xlsx (its shared strings),
# characters of text in all; and how much of a cell the preview shows. Together with the file
# size and the row limit they keep an import under 200 MB of memory.
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=50)
IMPORT_MAX_CELL_CHARS = env.int("IMPORT_MAX_CELL_CHARS", default=2000)
IMPORT_MAX_SHARED_STRINGS = env.int("IMPORT_MAX_SHARED_STRINGS", default=500_000)
IMPORT_MAX_TEXT_CHARS = env.int("IMPORT_MAX_TEXT_CHARS", default=20_000_000)
IMPORT_PREVIEW_CELL_CHARS = env.int("IMPORT_PREVIEW_CELL_CHARS", default=200)
IMPORT_TMP_DIR = env("IMPORT_TMP_DIR", default="")
IMPORT_TMP_MAX_AGE_SECONDS = env.int("IMPORT_TMP_MAX_AGE_SECONDS", default=6 * 3600)

# Inspections (三有/六好): when a month's self-check counts as overdue, and the key-management
# rule (shared/standard-sanyou-liuhao.md). All can be set from the environment.
INSPECTION_DUE_DAY = env.int("INSPECTION_DUE_DAY", default=10)
KEY_MANAGEMENT_FAIL_MONTHS = env.int("KEY_MANAGEMENT_FAIL_MONTHS", default=2)
KEY_MANAGEMENT_HAZARD_OVERDUE_DAYS = env.int("KEY_MANAGEMENT_HAZARD_OVERDUE_DAYS", default=15)
KEY_MANAGEMENT_PASS_MONTHS = env.int("KEY_MANAGEMENT_PASS_MONTHS", default=2)
# How far ahead a hazard's rectification deadline may be set (first deadline or a new one on
# rejection): half a year covers building work; a hazard left longer is key management's.
HAZARD_DEADLINE_MAX_DAYS = env.int("HAZARD_DEADLINE_MAX_DAYS", default=183)
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# Photos one campaign activity (普法, 消防演练 …) may carry, each checked like evidence.
ACTIVITY_PHOTOS_MAX = env.int("ACTIVITY_PHOTOS_MAX", default=9)
# An uploaded image over this many pixels is refused from its header before anything decodes it
# (a 20 KB PNG can declare 13000×13000 and need gigabytes); Pillow's own limit is set to it at
# startup. 50 MP admits every phone photo (12–50 MP) and a scanned A4 page at 600 dpi (35 MP).
UPLOAD_MAX_IMAGE_PIXELS = env.int("UPLOAD_MAX_IMAGE_PIXELS", default=50_000_000)

# Residents (以房管人): a residence permit expiring within this many days is on the work list.
RESIDENCE_EXPIRY_WARNING_DAYS = env.int("RESIDENCE_EXPIRY_WARNING_DAYS", default=30)

# 群防群治 (patrols): the size of a household-watch group (十户联防: "about ten households"), as
# bounds a group must keep and the size "propose groups" aims at.
WATCH_GROUP_MIN_SIZE = env.int("WATCH_GROUP_MIN_SIZE", default=5)
WATCH_GROUP_MAX_SIZE = env.int("WATCH_GROUP_MAX_SIZE", default=15)
WATCH_GROUP_TARGET_SIZE = env.int("WATCH_GROUP_TARGET_SIZE", default=10)

# Patrols (patrols/patrol_bounds.py): a patrol lasts at most PATROL_MAX_HOURS; a plan window is
# kept by a log starting inside it or up to PATROL_PLAN_GRACE_MINUTES before it; a hazard a
# patrol raises gets a deadline PATROL_HAZARD_DEADLINE_DAYS ahead unless one is given.
PATROL_MAX_HOURS = env.int("PATROL_MAX_HOURS", default=24)
PATROL_PLAN_GRACE_MINUTES = env.int("PATROL_PLAN_GRACE_MINUTES", default=15)
PATROL_HAZARD_DEADLINE_DAYS = env.int("PATROL_HAZARD_DEADLINE_DAYS", default=7)

# Disputes (矛盾纠纷): time limits in working days (disputes/workdays.py counts them). The
# default per level, and per category where it differs (a law-related petition: 60 days at
# district level). Auto-escalation: a case at a level named here that has been overdue that many
# working days is escalated by the daily job; a level not named is never escalated by itself.
# Each can be set from the environment as JSON, e.g. DISPUTE_AUTO_ESCALATE_AFTER='{"street": 5}'.
DISPUTE_TIME_LIMITS = env.json(
    "DISPUTE_TIME_LIMITS", default={"community": 10, "street": 15, "district": 30}
)
DISPUTE_CATEGORY_TIME_LIMITS = env.json(
    "DISPUTE_CATEGORY_TIME_LIMITS", default={"petition": {"street": 30, "district": 60}}
)
DISPUTE_REMIND_WORKING_DAYS = env.int("DISPUTE_REMIND_WORKING_DAYS", default=2)
# How far ahead a dispute's deadline (时限) may be set when it is accepted or moved: a year, the
# longest a promise to the parties can run (the default limits are 10 to 60 working days).
DISPUTE_DEADLINE_MAX_DAYS = env.int("DISPUTE_DEADLINE_MAX_DAYS", default=366)
DISPUTE_AUTO_ESCALATE_AFTER = env.json("DISPUTE_AUTO_ESCALATE_AFTER", default={"community": 5})

# Facilities (物防/技防, patrols/facility_coverage.py): what a compound needs to count as covered.
# 技防 (technical): at every entrance a working camera and a working access control, and in the
# compound a working alarm point; 物防 (physical): a working perimeter fence or wall, and at every
# entrance a working gate post or barrier. Each rule is a list of facility kinds (the values of
# patrols.models.FacilityKind) per place: "each_entrance" (every entrance needs one of each) and
# "compound" (one anywhere in the compound). A compound with no entrance recorded is not
# assessed. The targets are the seed's (物防覆盖面达90%, 技防覆盖面达85%). A facility out of service
# longer than FACILITY_OUT_OF_SERVICE_DAYS raises a hazard once (the daily job).
PATROLS_TECH_COVERAGE_RULE = env.json(
    "PATROLS_TECH_COVERAGE_RULE",
    default={"each_entrance": ["camera", "access_control"], "compound": ["alarm"]},
)
PATROLS_PHYSICAL_COVERAGE_RULE = env.json(
    "PATROLS_PHYSICAL_COVERAGE_RULE",
    default={"each_entrance": ["barrier"], "compound": ["perimeter"]},
)
PHYSICAL_COVERAGE_TARGET = env.float("PHYSICAL_COVERAGE_TARGET", default=0.90)
TECH_COVERAGE_TARGET = env.float("TECH_COVERAGE_TARGET", default=0.85)
FACILITY_OUT_OF_SERVICE_DAYS = env.int("FACILITY_OUT_OF_SERVICE_DAYS", default=30)

# The beat schedule (django-celery-beat copies it into the database at start).
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "open-monthly-self-checks": {
        "task": "inspections.open_monthly_self_checks",
        "schedule": crontab(minute=5, hour=0, day_of_month=1),
    },
    "apply-key-management": {
        "task": "inspections.apply_key_management",
        "schedule": crontab(minute=30, hour=1, day_of_month=env.int("KEY_MANAGEMENT_DAY", 20)),
    },
    "notify-overdue-hazards": {
        "task": "inspections.notify_overdue_hazards",
        "schedule": crontab(minute=0, hour=8),
    },
    "remind-self-checks": {
        "task": "inspections.remind_self_checks",
        "schedule": crontab(minute=10, hour=8),
    },
    "dispute-deadlines": {
        "task": "disputes.daily_deadlines",
        "schedule": crontab(minute=20, hour=8),
    },
    "facilities-out-of-service": {  # hazards for facilities broken too long
        "task": "patrols.raise_out_of_service_hazards",
        "schedule": crontab(minute=30, hour=8),
    },
    "patrols-missed": {  # yesterday's missed patrols, to each team's organisation, once
        "task": "patrols.notify_missed_patrols",
        "schedule": crontab(minute=35, hour=8),
    },
    "resident-tallies": {  # each compound's 以房管人 figures for the new day
        "task": "communities.refresh_resident_tallies",
        "schedule": crontab(minute=10, hour=0),
    },
    "residence-registration-notices": {  # the work list's people, to their committee, once
        "task": "communities.send_registration_notices",
        "schedule": crontab(minute=40, hour=8),
    },
    "disable-dormant-accounts": {  # no login for DORMANT_ACCOUNT_DAYS
        "task": "accounts.disable_dormant_accounts",
        "schedule": crontab(minute=15, hour=2),
    },
    "clear-expired-sessions": {  # sessions past their 12 hours
        "task": "accounts.clear_expired_sessions",
        "schedule": crontab(minute=25, hour=2),
    },
    "export-resend-pending": {  # jobs saved while the broker was down
        "task": "communities.resend_pending_exports",
        "schedule": crontab(minute="*/5"),
    },
    "audit-purge": {  # entries older than AUDIT_RETENTION_DAYS
        "task": "communities.purge_audit_trail",
        "schedule": crontab(minute=50, hour=3),
    },
    "export-purge-expired": {
        "task": "communities.purge_expired_exports",
        "schedule": crontab(minute=40, hour="*"),
    },
    "monthly-reports": {  # last month's report of the district and of every street
        "task": "reports.build_monthly_reports",
        "schedule": crontab(minute=0, hour=2, day_of_month=1),
    },
    "reports-resend-pending": {  # reports saved while the broker was down, or abandoned
        "task": "reports.resend_pending_reports",
        "schedule": crontab(minute="*/5"),
    },
}
