"""Serializers check the shape of what comes in and say what goes out; rules stay in services."""
