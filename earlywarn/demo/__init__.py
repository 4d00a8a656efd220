"""The bundled demo corpus and its loopback replay server."""
