"""Values from outside (vendor data, the teams and budgets files, typed cells) made inert before
they reach a page, an export, a Slack message or an e-mail. Imports nothing above the standard
library, so connectors, sync, alerts, teams and the UI can all use it."""
