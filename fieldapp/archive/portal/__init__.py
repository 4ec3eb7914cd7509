"""The customers' self-service pages (页面服务平台, R6.2), mounted under /portal.

Server-rendered (Jinja2), no JavaScript. Every page shows only the logged-in customer's own
records; see docs/portal.md for the pages, the security measures and the settings.
Kept free of imports here so the archive's Alembic environment can load `models` alone.
"""
