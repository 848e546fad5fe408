"""A fake sixth service (S6) that lives only in the tests: everything that is the service is in this folder
(definitions/, forms, reference data, layouts); services.registry.registered(SERVICE) makes it known."""
