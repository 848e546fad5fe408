"""Service S4: everything that is this service (definitions/, forms, reference data, layouts, labels);
service.py ties them together as SERVICE, which services.registry finds through settings.ELICENSE_SERVICES."""
