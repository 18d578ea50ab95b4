"""Standard-library-only helpers every layer may use. `text`: values from outside (vendor data,
the teams and budgets files, typed cells) made inert before they reach a page, an export, a
Slack message or an e-mail. `lazy`: package re-exports imported on first use (PEP 562). This
package's `__init__` imports nothing, so importing a submodule can never wait on another
thread's half-run `__init__`."""
