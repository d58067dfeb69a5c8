"""Reports: charts and documents built from the services' JSON (shared by the web pages and
future printed reports). Pure functions; nothing runs at import."""
