"""End-to-end tests in a real browser (no code of its own): Debian's Chromium, driven by Playwright, against
the ASGI application served by uvicorn from the test process. See tests/conftest.py."""
