"""The JSON API's routers; ``lumbo.web.app.create_app`` includes them all under ``/api``."""
