"""The one list of setting names: the same in the environment, a `.env` file and `st.secrets`.

Connectors name them in their error messages; settings resolve them (config/settings.py) for
the app and `python -m sync` alike. Nothing else spells them out.
"""

from __future__ import annotations

VENDORS = ("builder", "firebender", "codefresh")
VENDOR_NAMES = {"builder": "Builder.io", "firebender": "Firebender", "codefresh": "Codefresh"}

KEY_SETTINGS = {
    "builder": "BUILDER_PRIVATE_KEY",
    "firebender": "FIREBENDER_API_KEY",
    "codefresh": "CODEFRESH_API_KEY",
}
BASE_URL_SETTINGS = {vendor: f"{vendor.upper()}_BASE_URL" for vendor in VENDORS}
SPACE_PUBLIC_KEY = "BUILDER_SPACE_PUBLIC_KEY"
SPACE_PRIVATE_KEY = "BUILDER_SPACE_PRIVATE_KEY"
# Several Builder.io spaces in one setting: "public:private" pairs separated by commas.
SPACES = "BUILDER_SPACES"
PRICE = "CODEFRESH_USD_PER_CREDIT"
HISTORY_DIR = "HISTORY_DIR"
# Teams and privacy (teams/): the mapping file, the smallest group shown, pseudonyms for people.
TEAMS_FILE = "TEAMS_FILE"
PRIVACY_MIN_GROUP = "PRIVACY_MIN_GROUP"
PSEUDONYMIZE_PEOPLE = "PSEUDONYMIZE_PEOPLE"
PSEUDONYM_SALT = "PSEUDONYM_SALT"
# Budgets and alerts (alerts/): the budgets file, where `python -m sync --alert` delivers.
BUDGETS_FILE = "BUDGETS_FILE"
ALERT_WEBHOOK_URL = "ALERT_WEBHOOK_URL"  # a Slack-compatible incoming webhook (its URL is a secret)
ALERT_SMTP_HOST = "ALERT_SMTP_HOST"
ALERT_SMTP_PORT = "ALERT_SMTP_PORT"
ALERT_SMTP_USER = "ALERT_SMTP_USER"
ALERT_SMTP_PASSWORD = "ALERT_SMTP_PASSWORD"
ALERT_EMAIL_FROM = "ALERT_EMAIL_FROM"
ALERT_EMAIL_TO = "ALERT_EMAIL_TO"  # one address or several separated by commas
# true: STARTTLS required; false: never (a trusted relay); unset: whenever the server offers it.
ALERT_SMTP_STARTTLS = "ALERT_SMTP_STARTTLS"
# Sign-in and roles (ui/access.py): sign-in required (default: whenever secrets.toml has
# an [auth] section), the e-mail domains allowed in, the admins' e-mail addresses.
AUTH_REQUIRED = "AUTH_REQUIRED"
ALLOWED_EMAIL_DOMAINS = "ALLOWED_EMAIL_DOMAINS"
ADMIN_EMAILS = "ADMIN_EMAILS"
# The app's address, for links in alerts (e.g. https://ours.streamlit.app); none: no links.
APP_URL = "APP_URL"

# Settings whose values are secrets: never logged, shown, exported or used in a cache key.
SECRETS = (
    *KEY_SETTINGS.values(),
    SPACE_PRIVATE_KEY,
    SPACES,
    PSEUDONYM_SALT,
    ALERT_WEBHOOK_URL,
    ALERT_SMTP_PASSWORD,
)
